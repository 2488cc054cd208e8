import { describe, expect, it, vi } from 'vitest';
import { stubFetch } from '@/testing/test-utils';
import { ApiClient, ApiError } from './api-client';

const csrfFailed = {
  error: 'csrf_failed',
  message: 'CSRF token missing or wrong',
  hint: 'GET /api/auth/csrf and send its csrfToken in X-CSRFToken',
};

function tokenSequence(...tokens: string[]) {
  let i = 0;
  return () => [200, { csrfToken: tokens[Math.min(i++, tokens.length - 1)] }] as [number, unknown];
}

describe('ApiClient', () => {
  it('sends credentials and no CSRF header on GET', async () => {
    const { calls, impl } = stubFetch({
      'GET /api/leads': () => [200, { items: [], total: 0, page: 1, page_size: 25 }],
    });
    const spy = vi.fn(impl);
    const client = new ApiClient({ fetchImpl: spy });
    await client.get('/api/leads', { query: { q: 'dana', status: '', page: 2 } });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe('/api/leads?q=dana&page=2');
    expect(calls[0]!.headers['X-CSRFToken']).toBeUndefined();
    expect(spy.mock.calls[0]![1]!.credentials).toBe('include');
  });

  it('fetches a token first and sends X-CSRFToken on every write', async () => {
    const { calls, impl } = stubFetch({
      'GET /api/auth/csrf': tokenSequence('tok-1'),
      'POST /api/leads': () => [201, { id: 7 }],
      'PUT /api/business/current/prompt': () => [200, {}],
      'PATCH /api/reminders/3': () => [200, {}],
      'DELETE /api/reminders/3': () => [204],
    });
    const client = new ApiClient({ fetchImpl: impl });
    await client.post('/api/leads', { first_name: 'A' });
    await client.put('/api/business/current/prompt', { calls_prompt: '', whatsapp_prompt: '' });
    await client.patch('/api/reminders/3', { note: 'x' });
    await expect(client.delete('/api/reminders/3')).resolves.toBeUndefined();
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'GET /api/auth/csrf',
      'POST /api/leads',
      'PUT /api/business/current/prompt',
      'PATCH /api/reminders/3',
      'DELETE /api/reminders/3',
    ]);
    for (const c of calls.slice(1)) expect(c.headers['X-CSRFToken']).toBe('tok-1');
    expect(calls[1]!.headers['Content-Type']).toBe('application/json');
    expect(calls[1]!.body).toEqual({ first_name: 'A' });
  });

  it('shares one token request between concurrent writes', async () => {
    const { calls, impl } = stubFetch({ 'GET /api/auth/csrf': tokenSequence('t'), 'POST *': () => [200, {}] });
    const client = new ApiClient({ fetchImpl: impl });
    await Promise.all([client.post('/a'), client.post('/b'), client.post('/c')]);
    expect(calls.filter((c) => c.url === '/api/auth/csrf')).toHaveLength(1);
  });

  it('retries exactly once with a fresh token after csrf_failed', async () => {
    let attempts = 0;
    const { calls, impl } = stubFetch({
      'GET /api/auth/csrf': tokenSequence('old', 'new'),
      'POST /api/leads/1/activities': (c) => {
        attempts++;
        return c.headers['X-CSRFToken'] === 'new' ? [201, { id: 1 }] : [403, csrfFailed];
      },
    });
    const client = new ApiClient({ fetchImpl: impl });
    await expect(client.post('/api/leads/1/activities', { body: 'hi' })).resolves.toEqual({ id: 1 });
    expect(attempts).toBe(2);
    expect(calls.map((c) => c.url)).toEqual([
      '/api/auth/csrf',
      '/api/leads/1/activities',
      '/api/auth/csrf',
      '/api/leads/1/activities',
    ]);
    expect(client.getCsrfToken()).toBe('new');
  });

  it('gives up after the one retry and surfaces message and hint', async () => {
    let attempts = 0;
    const { impl } = stubFetch({
      'GET /api/auth/csrf': tokenSequence('a', 'b'),
      'POST /x': () => {
        attempts++;
        return [403, csrfFailed];
      },
    });
    const client = new ApiClient({ fetchImpl: impl });
    const err = await client.post('/x').catch((e: unknown) => e);
    expect(attempts).toBe(2);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      status: 403,
      error: 'csrf_failed',
      message: csrfFailed.message,
      hint: csrfFailed.hint,
    });
  });

  it('does not retry other 403s', async () => {
    let attempts = 0;
    const { impl } = stubFetch({
      'GET /api/auth/csrf': tokenSequence('a'),
      'POST /x': () => {
        attempts++;
        return [403, { error: 'forbidden', message: 'no', hint: 'ask an owner' }];
      },
    });
    const client = new ApiClient({ fetchImpl: impl });
    await expect(client.post('/x')).rejects.toMatchObject({ error: 'forbidden', hint: 'ask an owner' });
    expect(attempts).toBe(1);
  });

  it('calls onUnauthorized on 401 not_authenticated, unless the request allows it', async () => {
    const { impl } = stubFetch({
      'GET /api/leads': () => [
        401,
        { error: 'not_authenticated', message: 'Sign in first', hint: 'POST /api/auth/login' },
      ],
      'GET /api/auth/me': () => [401, { error: 'not_authenticated', message: 'Sign in first', hint: '' }],
    });
    const client = new ApiClient({ fetchImpl: impl });
    const onUnauthorized = vi.fn();
    client.setOnUnauthorized(onUnauthorized);
    await expect(client.get('/api/leads')).rejects.toMatchObject({ status: 401, error: 'not_authenticated' });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    await expect(client.get('/api/auth/me', { allowUnauthorized: true })).rejects.toBeInstanceOf(ApiError);
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('does not treat wrong credentials as a lost session', async () => {
    const { impl } = stubFetch({
      'POST /api/auth/login': () => [
        401,
        { error: 'invalid_credentials', message: 'Wrong email or password', hint: '' },
      ],
      'GET /api/auth/csrf': tokenSequence('t'),
    });
    const client = new ApiClient({ fetchImpl: impl });
    const onUnauthorized = vi.fn();
    client.setOnUnauthorized(onUnauthorized);
    await expect(client.post('/api/auth/login', { email: 'a', password: 'b' })).rejects.toMatchObject({
      error: 'invalid_credentials',
    });
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it('parses error bodies: field, extra keys, non-JSON and network failures', async () => {
    const { impl } = stubFetch({
      'GET /api/auth/csrf': tokenSequence('t'),
      'POST /api/leads': (c) =>
        (c.body as { phone_e164: string }).phone_e164 === 'dup'
          ? [
              409,
              { error: 'duplicate_lead', lead_id: 42, message: 'A lead with this phone exists', hint: 'Open lead 42' },
            ]
          : [400, { error: 'invalid_input', field: 'phone_e164', message: 'Bad phone', hint: 'Use 05x or +972' }],
    });
    const client = new ApiClient({ fetchImpl: impl });
    const dup = (await client.post('/api/leads', { phone_e164: 'dup' }).catch((e: unknown) => e)) as ApiError;
    expect(dup.status).toBe(409);
    expect(dup.body.lead_id).toBe(42);
    const bad = (await client.post('/api/leads', { phone_e164: 'x' }).catch((e: unknown) => e)) as ApiError;
    expect(bad).toMatchObject({ status: 400, field: 'phone_e164', message: 'Bad phone', hint: 'Use 05x or +972' });

    const html = new ApiClient({
      fetchImpl: async () => new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
    });
    const e502 = (await html.get('/x').catch((e: unknown) => e)) as ApiError;
    expect(e502).toMatchObject({ status: 502, error: 'http_502' });
    expect(e502.message).toContain('bad gateway');

    const down = new ApiClient({
      fetchImpl: async () => {
        throw new TypeError('Failed to fetch');
      },
    });
    await expect(down.get('/x')).rejects.toMatchObject({ status: 0, error: 'network_error' });
  });

  it('sends an empty JSON object on body-less POSTs', async () => {
    const { calls, impl } = stubFetch({
      'GET /api/auth/csrf': tokenSequence('t'),
      'POST /api/notifications/1/read': () => [204],
    });
    const client = new ApiClient({ fetchImpl: impl });
    await client.post('/api/notifications/1/read');
    expect(calls[1]!.body).toEqual({});
    expect(calls[1]!.headers['Content-Type']).toBe('application/json');
  });

  it('posts a raw body as-is with its Content-Type, the CSRF header and its retry', async () => {
    let attempts = 0;
    const { calls, impl } = stubFetch({
      'GET /api/auth/csrf': tokenSequence('old', 'new'),
      'POST /api/leads/import': (c) => {
        attempts++;
        return c.headers['X-CSRFToken'] === 'new' ? [200, { created: 1 }] : [403, csrfFailed];
      },
    });
    const client = new ApiClient({ fetchImpl: impl });
    const csv = 'first_name,phone\nדנה,052-1234567\n';
    await expect(
      client.postRaw('/api/leads/import', { data: csv, contentType: 'text/csv' }, { query: { dry_run: true } }),
    ).resolves.toEqual({ created: 1 });
    expect(attempts).toBe(2);
    const last = calls[calls.length - 1]!;
    expect(last.url).toBe('/api/leads/import?dry_run=true');
    expect(last.headers['Content-Type']).toBe('text/csv');
    expect(last.headers['X-CSRFToken']).toBe('new');
    expect(last.body).toBe(csv);
  });

  it('answers a get from a prefetch of the same URL, once', async () => {
    let served = 0;
    const { calls, impl } = stubFetch({ 'GET /api/leads': () => [200, { n: ++served }] });
    const client = new ApiClient({ fetchImpl: impl });
    await expect(client.prefetch('/api/leads', { page: 1, q: '' })).resolves.toBe(true);
    expect(await client.get('/api/leads', { query: { page: 1 } })).toEqual({ n: 1 });
    expect(await client.get('/api/leads', { query: { page: 1 } })).toEqual({ n: 2 });
    expect(calls).toHaveLength(2);
    expect(calls[0]!.url).toBe('/api/leads?page=1');
  });

  it('keeps a prefetched 401 for its taker instead of asking twice', async () => {
    const { calls, impl } = stubFetch({ 'GET /api/auth/me': () => [401, { error: 'not_authenticated' }] });
    const client = new ApiClient({ fetchImpl: impl });
    const onUnauthorized = vi.fn();
    client.setOnUnauthorized(onUnauthorized);
    await expect(client.prefetch('/api/auth/me')).resolves.toBe(false);
    await expect(client.get('/api/auth/me', { allowUnauthorized: true })).rejects.toMatchObject({ status: 401 });
    expect(calls).toHaveLength(1);
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it('asks nothing ahead when told not to, and then asks when the page does', async () => {
    const { calls, impl } = stubFetch({ 'GET /api/leads/7': () => [200, { id: 7 }] });
    const client = new ApiClient({ fetchImpl: impl });
    await expect(client.prefetch('/api/leads/7', undefined, Promise.resolve(false))).resolves.toBe(false);
    expect(calls).toHaveLength(0);
    expect(await client.get('/api/leads/7')).toEqual({ id: 7 });
    expect(calls).toHaveLength(1);
  });

  it('a get started before the prefetch answers waits for it', async () => {
    const { calls, impl } = stubFetch({ 'GET /api/leads/7': () => [200, { id: 7 }] });
    const client = new ApiClient({ fetchImpl: impl });
    let signIn: (v: boolean) => void = () => {};
    void client.prefetch('/api/leads/7', undefined, new Promise<boolean>((r) => (signIn = r)));
    const got = client.get('/api/leads/7');
    signIn(true);
    expect(await got).toEqual({ id: 7 });
    expect(calls).toHaveLength(1);
  });
});
