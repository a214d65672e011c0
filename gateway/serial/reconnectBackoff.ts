export interface BackoffOptions {
  /** Delay before the first retry. */
  initialMs: number;
  /** Longest delay between retries. */
  maxMs: number;
}

export const DEFAULT_RECONNECT: BackoffOptions = { initialMs: 500, maxMs: 30_000 };

/** Delay before retry number `attempt` (0-based): initialMs doubling each time, capped at maxMs. */
export function backoffDelay(attempt: number, opts: BackoffOptions): number {
  const exp = Math.min(attempt, 30);
  return Math.min(opts.maxMs, opts.initialMs * 2 ** exp);
}
