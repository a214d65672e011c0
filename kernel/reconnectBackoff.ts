export interface BackoffOptions {
  /** Delay before the first retry. */
  initialMs: number;
  /** Longest delay between retries. */
  maxMs: number;
}

export const DEFAULT_RECONNECT: BackoffOptions = { initialMs: 500, maxMs: 30_000 };

/**
 * Delay before retry number `attempt` (0-based): initialMs doubling each time,
 * capped at maxMs, then jittered into [half, all] of that ("equal jitter"), so
 * a campus of gateways that lost the same broker or power does not retry in
 * lockstep. `random` (0 <= r < 1) is injectable; () => 1 gives the plain curve.
 */
export function backoffDelay(
  attempt: number,
  opts: BackoffOptions,
  random: () => number = Math.random,
): number {
  const exp = Math.min(attempt, 30);
  const nominal = Math.min(opts.maxMs, opts.initialMs * 2 ** exp);
  return jittered(nominal, random);
}

/** `ms` spread over [ms/2, ms]: never longer than asked, never shorter than half. */
export function jittered(ms: number, random: () => number = Math.random): number {
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(ms / 2 + (ms / 2) * r);
}
