import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../kernel/clock.ts';
import { isConsolePath } from './consolePaths.ts';

export type ApiRole = 'admin' | 'viewer';

/** A configured API token: only its SHA-256 (hex) is kept. */
export interface ApiToken {
  name: string;
  role: ApiRole;
  sha256: string;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A fresh random token (URL-safe) and its configuration entry. */
export function newToken(name: string, role: ApiRole): { token: string; entry: ApiToken } {
  const token = randomBytes(24).toString('base64url');
  return { token, entry: { name, role, sha256: hashToken(token) } };
}

/** The token whose hash matches, compared in constant time; null if none. */
export function findToken(tokens: readonly ApiToken[], presented: string): ApiToken | null {
  const h = Buffer.from(hashToken(presented), 'hex');
  let found: ApiToken | null = null;
  for (const t of tokens) {
    const mine = Buffer.from(t.sha256, 'hex');
    if (mine.length === h.length && timingSafeEqual(mine, h)) found = t;
  }
  return found;
}

export interface FailureLimit {
  /** Failed authentications allowed per client address within `windowMs`. */
  maxFailures: number;
  windowMs: number;
}

/**
 * Counts failed authentications per client address in a fixed window (on the
 * injected clock); once over the limit the address gets 429 until its window ends.
 */
export class AuthFailures {
  private readonly byIp = new Map<string, { count: number; since: number }>();

  constructor(
    private readonly limit: FailureLimit,
    private readonly clock: Clock,
  ) {}

  /** Milliseconds until the address may try again, 0 when it may now. */
  blockedFor(ip: string): number {
    const e = this.byIp.get(ip);
    if (!e) return 0;
    const left = e.since + this.limit.windowMs - this.clock.now();
    if (left <= 0) {
      this.byIp.delete(ip);
      return 0;
    }
    return e.count >= this.limit.maxFailures ? left : 0;
  }

  fail(ip: string): void {
    const now = this.clock.now();
    const e = this.byIp.get(ip);
    if (!e || e.since + this.limit.windowMs <= now) this.byIp.set(ip, { count: 1, since: now });
    else e.count++;
    if (this.byIp.size > 10_000) this.byIp.clear();
  }
}

/** Paths anyone may read: liveness, readiness, the API's own documentation and the web console's files. */
export function isPublicPath(url: string): boolean {
  const path = url.split('?')[0] ?? '';
  return (
    isConsolePath(path) ||
    path === '/healthz' ||
    path === '/readyz' ||
    path === '/api/v1/openapi.json' ||
    path === '/api/docs' ||
    path.startsWith('/api/docs/')
  );
}

function presentedToken(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (h?.startsWith('Bearer ')) return h.slice(7).trim();
  // EventSource cannot send headers: the event stream alone also takes ?access_token=.
  if (req.url.startsWith('/api/v1/events/stream')) {
    const q = new URL(req.url, 'http://x').searchParams.get('access_token');
    if (q) return q;
  }
  return null;
}

declare module 'fastify' {
  interface FastifyRequest {
    apiToken: ApiToken | null;
  }
}

/**
 * onRequest hook: public paths pass; otherwise a valid bearer token is
 * required (401), writes need the admin role (403), and an address with
 * too many failures gets 429.
 */
export function authHook(tokens: readonly ApiToken[], failures: AuthFailures) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    req.apiToken = null;
    if (isPublicPath(req.url)) return;
    const wait = failures.blockedFor(req.ip);
    if (wait > 0) {
      await reply
        .code(429)
        .header('retry-after', String(Math.ceil(wait / 1000)))
        .send({
          statusCode: 429,
          error: 'Too Many Requests',
          message: 'too many failed authentications; retry later',
        });
      return;
    }
    const presented = presentedToken(req);
    const token = presented === null ? null : findToken(tokens, presented);
    if (!token) {
      failures.fail(req.ip);
      await reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({
          statusCode: 401,
          error: 'Unauthorized',
          message: presented === null ? 'missing bearer token' : 'unknown token',
        });
      return;
    }
    req.apiToken = token;
    const write = req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS';
    if (write && token.role !== 'admin') {
      await reply
        .code(403)
        .send({ statusCode: 403, error: 'Forbidden', message: `role ${token.role} may only read` });
    }
  };
}
