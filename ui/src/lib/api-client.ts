/**
 * The one HTTP client of the UI, and the only caller of `fetch`.
 *
 * - Every request goes to the same origin with `credentials: 'include'`.
 * - Bodies are JSON, except a raw body (`postRaw`, e.g. a CSV file) sent as-is
 *   with its own Content-Type; answers are parsed as JSON (204 -> undefined).
 * - Writes (POST/PUT/PATCH/DELETE) carry `X-CSRFToken`. The XSRF-TOKEN cookie
 *   is HttpOnly, so the token is kept in memory from `GET /api/auth/csrf`
 *   (fetched at bootstrap, lazily before the first write, and after logout)
 *   and from the login answer.
 * - A `403 csrf_failed` is retried exactly once after fetching a fresh token.
 * - A `401 not_authenticated` calls the injected `onUnauthorized` handler
 *   (the app sends the user to the login page).
 * - Every other non-2xx answer becomes a typed `ApiError` carrying the
 *   server's `{error, message, hint}` so the UI can show them verbatim.
 * - `prefetch` starts a GET before the code that needs it has loaded (the
 *   page's first requests, see app/early-requests.ts); the first `get` of the
 *   same URL within a few seconds takes its answer instead of asking again.
 */

export type ApiErrorBody = {
  error?: string;
  message?: string;
  hint?: string;
  field?: string;
  [key: string]: unknown;
};

export class ApiError extends Error {
  readonly status: number;
  /** snake_case code from the server, e.g. `csrf_failed`; `network_error` when no answer came. */
  readonly error: string;
  readonly hint: string;
  readonly field?: string;
  /** The whole parsed JSON body (e.g. `lead_id` of a `duplicate_lead`). */
  readonly body: ApiErrorBody;

  constructor(status: number, body: ApiErrorBody, fallbackMessage: string) {
    const message = typeof body.message === 'string' && body.message ? body.message : fallbackMessage;
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.error = typeof body.error === 'string' && body.error ? body.error : `http_${status}`;
    this.hint = typeof body.hint === 'string' ? body.hint : '';
    if (typeof body.field === 'string') this.field = body.field;
    this.body = body;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Query = Record<string, string | number | boolean | null | undefined>;

/**
 * A body sent as-is rather than as JSON, e.g. a CSV file as `text/csv`; a
 * FormData goes without a Content-Type (the browser adds its multipart boundary).
 */
export type RawBody = { data: Blob | string; contentType: string } | { data: FormData; contentType?: undefined };

export type RequestOptions = {
  query?: Query;
  body?: unknown;
  /** Sent instead of `body`, untouched, with its own Content-Type. */
  raw?: RawBody;
  signal?: AbortSignal;
  /** Do not call onUnauthorized on 401 (used by the bootstrap `me` query). */
  allowUnauthorized?: boolean;
};

/** How long an answer fetched ahead waits for its taker: the first page's requests only. */
const PREFETCH_TTL_MS = 10_000;

const WRITE_METHODS: ReadonlySet<Method> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const CSRF_HEADER = 'X-CSRFToken';

export function buildUrl(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function parseBody(res: Response): Promise<unknown> {
  if (res.status === 204) return undefined;
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { message: text.slice(0, 300) };
  }
}

export type ApiClientConfig = {
  fetchImpl?: typeof fetch;
  baseUrl?: string;
};

export class ApiClient {
  private csrfToken: string | null = null;
  private csrfInFlight: Promise<string> | null = null;
  private onUnauthorized: (() => void) | null = null;
  private readonly fetchImpl: typeof fetch;
  private readonly baseUrl: string;
  /** GETs started ahead, by URL, each taken once (see `prefetch`). */
  private readonly ahead = new Map<string, { at: number; answer: Promise<Response | null> }>();

  constructor(config: ApiClientConfig = {}) {
    // Bind lazily so tests can stub globalThis.fetch after construction.
    this.fetchImpl = config.fetchImpl ?? ((input, init) => globalThis.fetch(input, init));
    this.baseUrl = config.baseUrl ?? '';
  }

  setOnUnauthorized(handler: (() => void) | null): void {
    this.onUnauthorized = handler;
  }

  setCsrfToken(token: string | null): void {
    this.csrfToken = token;
  }

  getCsrfToken(): string | null {
    return this.csrfToken;
  }

  /** GET /api/auth/csrf and keep the token. Concurrent callers share one request. */
  refreshCsrfToken(): Promise<string> {
    if (!this.csrfInFlight) {
      this.csrfInFlight = this.send<{ csrfToken: string }>('GET', '/api/auth/csrf', { allowUnauthorized: true })
        .then((data) => {
          this.csrfToken = data.csrfToken;
          return data.csrfToken;
        })
        .finally(() => {
          this.csrfInFlight = null;
        });
    }
    return this.csrfInFlight;
  }

  /**
   * Starts `GET path` now, or once `when` resolves to true (nothing is asked
   * if it resolves to false); resolves to whether it answered 2xx (never
   * rejects). The first `get` of the same URL within PREFETCH_TTL_MS waits for
   * and takes this answer, whatever its status (a 401 is not asked twice);
   * if nothing was asked, that `get` asks itself.
   */
  prefetch(path: string, query?: Query, when: Promise<boolean> = Promise.resolve(true)): Promise<boolean> {
    const url = this.baseUrl + buildUrl(path, query);
    const answer = when.then((go) =>
      go ? this.fetchImpl(url, { credentials: 'include', headers: { Accept: 'application/json' } }) : null,
    );
    this.ahead.set(url, { at: Date.now(), answer });
    return answer.then(
      (res) => !!res?.ok,
      () => false,
    );
  }

  /** The answer a `prefetch` of this URL will hand over, without taking it (read a `clone()` of it). */
  peek(path: string, query?: Query): Promise<Response | null> | undefined {
    return this.ahead.get(this.baseUrl + buildUrl(path, query))?.answer;
  }

  /** The answer of a `prefetch` of this URL, if one is fresh; none, or a failed one, means asking again. */
  private async takeAhead(url: string): Promise<Response | null> {
    const entry = this.ahead.get(url);
    if (!entry) return null;
    this.ahead.delete(url);
    if (Date.now() - entry.at > PREFETCH_TTL_MS) return null;
    try {
      return await entry.answer;
    } catch {
      return null;
    }
  }

  get<T>(path: string, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return this.request<T>('GET', path, options);
  }
  post<T>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('POST', path, { ...options, body });
  }
  /** POST a raw body (e.g. `{data: file, contentType: 'text/csv'}`); the answer is JSON as usual. */
  postRaw<T>(path: string, raw: RawBody, options: Omit<RequestOptions, 'body' | 'raw'> = {}): Promise<T> {
    return this.request<T>('POST', path, { ...options, raw });
  }
  put<T>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('PUT', path, { ...options, body });
  }
  patch<T>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('PATCH', path, { ...options, body });
  }
  delete<T = void>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('DELETE', path, options);
  }

  async request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
    if (!WRITE_METHODS.has(method)) return this.send<T>(method, path, options);
    if (!this.csrfToken) await this.refreshCsrfToken();
    try {
      return await this.send<T>(method, path, options);
    } catch (e) {
      if (isApiError(e) && e.status === 403 && e.error === 'csrf_failed') {
        // The session may have been rotated or the token lost: one fresh token, one retry.
        await this.refreshCsrfToken();
        return this.send<T>(method, path, options);
      }
      throw e;
    }
  }

  private async send<T>(method: Method, path: string, options: RequestOptions): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const init: RequestInit = { method, credentials: 'include', headers, signal: options.signal ?? null };
    // Body-less POST/PUT/PATCH still send `{}` as JSON: the server accepts
    // only application/json bodies on its JSON endpoints.
    const payload =
      options.body !== undefined ? options.body : method !== 'GET' && method !== 'DELETE' ? {} : undefined;
    if (options.raw) {
      if (options.raw.contentType) headers['Content-Type'] = options.raw.contentType;
      init.body = options.raw.data;
    } else if (payload !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(payload);
    }
    if (WRITE_METHODS.has(method) && this.csrfToken) headers[CSRF_HEADER] = this.csrfToken;

    const url = this.baseUrl + buildUrl(path, options.query);
    let res: Response;
    try {
      res = (method === 'GET' && (await this.takeAhead(url))) || (await this.fetchImpl(url, init));
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') throw e;
      throw new ApiError(0, { error: 'network_error' }, e instanceof Error ? e.message : String(e));
    }
    const data = await parseBody(res);
    if (res.ok) return data as T;

    const body: ApiErrorBody = data && typeof data === 'object' ? (data as ApiErrorBody) : {};
    const err = new ApiError(res.status, body, `${res.status} ${res.statusText || 'error'}`.trim());
    if (res.status === 401 && err.error === 'not_authenticated' && !options.allowUnauthorized) {
      this.onUnauthorized?.();
    }
    throw err;
  }
}

/** The app-wide client. */
export const api = new ApiClient();
