/**
 * The web console's files (built by `npm run build:web` into web/dist) are
 * served at `/` beside the API. Paths outside /api/ and /metrics belong to
 * the console: they need no token (the files hold no data; every API call
 * the console makes carries its own bearer token).
 */
export function isConsolePath(path: string): boolean {
  return !(path === '/api' || path.startsWith('/api/') || path === '/metrics');
}
