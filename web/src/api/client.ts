// The console's only way to the API: bearer token from the URL fragment
// (#token=...), kept in sessionStorage; JSON in and out; errors as ApiError.

const KEY = 'hallgate.token';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Moves a `#token=...` fragment into sessionStorage and out of the address bar. */
export function takeTokenFromUrl(): void {
  const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (!m?.[1]) return;
  sessionStorage.setItem(KEY, decodeURIComponent(m[1]));
  history.replaceState(null, '', location.pathname + location.search);
}

export function token(): string | null {
  return sessionStorage.getItem(KEY);
}

export function logOut(): void {
  sessionStorage.removeItem(KEY);
}

async function request(method: string, path: string, body?: unknown, type?: string): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${token() ?? ''}` };
  let payload: string | undefined;
  if (body !== undefined) {
    headers['content-type'] = type ?? 'application/json';
    payload = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const res = await fetch(`/api/v1${path}`, { method, headers, body: payload });
  if (!res.ok) {
    let msg = `${res.status} ${res.statusText}`;
    let field: string | undefined;
    try {
      const j = (await res.json()) as { message?: string; field?: string };
      if (j.message) msg = j.message;
      field = j.field;
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiError(res.status, msg, field);
  }
  return res;
}

async function json<T>(method: string, path: string, body?: unknown, type?: string): Promise<T> {
  const res = await request(method, path, body, type);
  return (res.status === 204 ? null : await res.json()) as T;
}

export const api = {
  get: <T>(path: string) => json<T>('GET', path),
  post: <T>(path: string, body: unknown, type?: string) => json<T>('POST', path, body, type),
  put: <T>(path: string, body: unknown) => json<T>('PUT', path, body),
  del: (path: string) => json<null>('DELETE', path),
  /** Fetches a file with the token and hands it to the browser as a download. */
  async download(path: string, filename: string): Promise<void> {
    const blob = await (await request('GET', path)).blob();
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = filename;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  },
  /** The token's role (a viewer sees no write control). */
  role: async () => (await json<{ role: 'admin' | 'viewer' }>('GET', '/me')).role,
  /** Server-sent events of the given types; returns a function that closes the stream. */
  stream(types: string[], onEvent: (type: string, data: unknown) => void): () => void {
    const q = new URLSearchParams({ access_token: token() ?? '', types: types.join(',') });
    const es = new EventSource(`/api/v1/events/stream?${q.toString()}`);
    for (const t of types)
      es.addEventListener(t, (e) => onEvent(t, JSON.parse((e as MessageEvent<string>).data) as unknown));
    return () => es.close();
  },
};
