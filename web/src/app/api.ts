// The API client: JSON over fetch with the session cookie, the CSRF token on every write,
// and the interface language in `x-marz-locale` so that error messages come back translated.
// Errors arrive as {error:{code,message,details}} and are thrown as ApiError.

export interface ApiErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
  /** Field-level problems of a `validation` error, keyed by field path (e.g. `password`, `assignments.0.role`). */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    if (this.code === 'validation' && Array.isArray(this.details)) {
      for (const d of this.details as { path?: string; message?: string }[]) {
        if (d?.path && !out[d.path]) out[d.path] = d.message ?? '';
      }
    }
    return out;
  }
}

let csrfToken: string | null = null;
let locale = 'en';

/** The CSRF token of the current session (from the session or the sign-in response). */
export function setCsrfToken(token: string | null) {
  csrfToken = token;
}
/** Language sent with every request so that the server answers errors in it. */
export function setApiLocale(l: string) {
  locale = l;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  query?: Query;
  signal?: AbortSignal;
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

async function send(path: string, opts: RequestOptions): Promise<Response> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json', 'x-marz-locale': locale };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  try {
    return await fetch(withQuery(path, opts.query), {
      method,
      headers,
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', locale === 'fa' ? 'ارتباط با سرور برقرار نشد. اتصال شبکه را بررسی کنید و دوباره تلاش کنید.' : 'Could not reach the server. Check the connection and try again.');
  }
}

async function toError(res: Response): Promise<ApiError> {
  let body: { error?: ApiErrorBody } | null = null;
  try {
    body = await res.json();
  } catch {
    /* not JSON */
  }
  const e = body?.error;
  return new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? `${res.status} ${res.statusText}`, e?.details);
}

/** Calls the API; resolves with the parsed JSON (or null for 204), rejects with ApiError. */
export async function api<T = unknown>(path: string, opts: RequestOptions = {}): Promise<T> {
  let res = await send(path, opts);
  // A stale CSRF token (e.g. after signing in in another tab): fetch the session's token and retry once.
  if (res.status === 403 && (opts.method ?? 'GET') !== 'GET') {
    const err = await toError(res.clone());
    if (err.code === 'csrf') {
      const s = await send('/api/v1/auth/session', {});
      if (s.ok) {
        const session = await s.json();
        setCsrfToken(session.csrf_token);
        res = await send(path, opts);
      }
    }
  }
  if (!res.ok) throw await toError(res);
  if (res.status === 204) return null as T;
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? await res.json() : await res.text()) as T;
}

export const get = <T>(path: string, query?: Query, signal?: AbortSignal) => api<T>(path, { query, signal });
export const post = <T>(path: string, body?: unknown) => api<T>(path, { method: 'POST', body: body ?? {} });
export const patch = <T>(path: string, body: unknown) => api<T>(path, { method: 'PATCH', body });
