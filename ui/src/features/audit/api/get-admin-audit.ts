import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { AdminAuditParams, AuditEntry, Page } from '@/types/api';

export const getAdminAudit = (params: AdminAuditParams, signal?: AbortSignal): Promise<Page<AuditEntry>> =>
  api.get<Page<AuditEntry>>('/api/admin/audit', { query: params, signal });

export const getAdminAuditQueryOptions = (params: AdminAuditParams) =>
  queryOptions({
    queryKey: queryKeys.audit.admin(params),
    queryFn: ({ signal }) => getAdminAudit(params, signal),
    placeholderData: keepPreviousData,
  });

export const useAdminAudit = (params: AdminAuditParams) => useQuery(getAdminAuditQueryOptions(params));
