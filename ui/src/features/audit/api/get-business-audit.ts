import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { AuditEntry, BusinessAuditParams, Page } from '@/types/api';

export const getBusinessAudit = (params: BusinessAuditParams, signal?: AbortSignal): Promise<Page<AuditEntry>> =>
  api.get<Page<AuditEntry>>('/api/business/current/audit', { query: params, signal });

export const getBusinessAuditQueryOptions = (params: BusinessAuditParams) =>
  queryOptions({
    queryKey: queryKeys.audit.business(params),
    queryFn: ({ signal }) => getBusinessAudit(params, signal),
    placeholderData: keepPreviousData,
  });

export const useBusinessAudit = (params: BusinessAuditParams) => useQuery(getBusinessAuditQueryOptions(params));
