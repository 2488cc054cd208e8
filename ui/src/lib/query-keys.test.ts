import { QueryClient, type QueryKey } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { isTenantScoped, queryKeys } from './query-keys';

/** One cached entry under each kind of key. */
const samples: Record<string, QueryKey> = {
  me: queryKeys.auth.me(),
  leadList: queryKeys.leads.list({ q: 'dana', page: 2 }),
  leadDetail: queryKeys.leads.detail(7),
  activities7: queryKeys.activities.lead(7),
  activities8: queryKeys.activities.lead(8),
  leadReminders: queryKeys.reminders.lead(7),
  myReminders: queryKeys.reminders.mine({ status: 'pending' }),
  notifications: queryKeys.notifications.list({}),
  business: queryKeys.business.current(),
  prompt: queryKeys.business.prompt(),
  promptHistory: queryKeys.business.promptHistory(),
  users: queryKeys.business.users(),
  adminBusinesses: queryKeys.admin.businessList({ page: 1, page_size: 25 }),
  adminAudit: queryKeys.audit.admin({ page: 1 }),
};

/** Which samples `invalidateQueries({queryKey})` marks stale. */
async function invalidatedBy(queryKey: QueryKey): Promise<string[]> {
  const qc = new QueryClient();
  for (const key of Object.values(samples)) qc.setQueryData(key, {});
  await qc.invalidateQueries({ queryKey });
  return Object.entries(samples)
    .filter(([, key]) => qc.getQueryState(key)?.isInvalidated)
    .map(([name]) => name)
    .sort();
}

describe('queryKeys', () => {
  it('builds plain, stable array keys', () => {
    expect(queryKeys.auth.me()).toEqual(['auth', 'me']);
    expect(queryKeys.leads.list({ status: 'new' })).toEqual(['leads', 'list', { status: 'new' }]);
    expect(queryKeys.leads.detail(7)).toEqual(['leads', 'detail', 7]);
    expect(queryKeys.activities.lead(7)).toEqual(['activities', 7]);
    expect(queryKeys.reminders.mine({ status: 'fired' })).toEqual(['reminders', 'mine', { status: 'fired' }]);
    expect(queryKeys.business.promptHistory()).toEqual(['business', 'prompt', 'history']);
    // Same input, equal key: react-query hashes them to the same cache entry.
    expect(queryKeys.leads.list({ page: 1, q: 'x' })).toEqual(queryKeys.leads.list({ q: 'x', page: 1 }));
  });

  it('invalidates by prefix: each root covers its own keys only', async () => {
    expect(await invalidatedBy(queryKeys.leads.all)).toEqual(['leadDetail', 'leadList']);
    expect(await invalidatedBy(queryKeys.activities.lead(7))).toEqual(['activities7']);
    expect(await invalidatedBy(queryKeys.reminders.all)).toEqual(['leadReminders', 'myReminders']);
    expect(await invalidatedBy(queryKeys.notifications.all)).toEqual(['notifications']);
    // Saving the prompts adds a revision: the history goes stale with them.
    expect(await invalidatedBy(queryKeys.business.prompt())).toEqual(['prompt', 'promptHistory']);
    expect(await invalidatedBy(queryKeys.business.current())).toEqual(['business']);
    expect(await invalidatedBy(queryKeys.business.users())).toEqual(['users']);
    expect(await invalidatedBy(queryKeys.admin.businesses())).toEqual(['adminBusinesses']);
  });

  it('isTenantScoped spares only the session itself', () => {
    const qc = new QueryClient();
    for (const key of Object.values(samples)) qc.setQueryData(key, {});
    qc.removeQueries({ predicate: isTenantScoped });
    expect(
      qc
        .getQueryCache()
        .getAll()
        .map((q) => q.queryKey),
    ).toEqual([queryKeys.auth.me()]);
  });
});
