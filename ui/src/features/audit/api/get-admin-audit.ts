import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { AuditEntry, Page } from '@/types/api';

export type AdminAuditParams = { tenant_id?: string; action?: string; page?: number };

export const getAdminAudit = (params: AdminAuditParams, signal?: AbortSignal): Promise<Page<AuditEntry>> =>
  api.get<Page<AuditEntry>>('/api/admin/audit', { query: params, signal });

export const getAdminAuditQueryOptions = (params: AdminAuditParams) =>
  queryOptions({
    queryKey: ['audit', 'admin', params],
    queryFn: ({ signal }) => getAdminAudit(params, signal),
    placeholderData: keepPreviousData,
  });

export const useAdminAudit = (params: AdminAuditParams) => useQuery(getAdminAuditQueryOptions(params));
