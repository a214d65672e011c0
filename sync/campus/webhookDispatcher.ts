import { createHmac } from 'node:crypto';
import type { Clock } from '../../kernel/clock.ts';
import type { Logger } from '../../kernel/log.ts';
import type { CampusStore, WebhookDelivery } from './campusStore.ts';

export interface WebhookOptions {
  url: string;
  /** HMAC-SHA256 key; the signature is `X-Hallgate-Signature: sha256=<hex of HMAC(timestamp + '.' + body)>`. */
  secret: string;
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** Per attempt (default 10 s). */
  timeoutMs?: number;
}

/** Timers behind an interface, so tests run retries without waiting. */
export interface Scheduler {
  after(ms: number, fn: () => void): () => void;
}

export const realScheduler: Scheduler = {
  after(ms, fn) {
    const t = setTimeout(fn, ms);
    t.unref();
    return () => clearTimeout(t);
  },
};

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Delivers queued webhook bodies (JSON POST, signed) and retries failures
 * with exponential backoff on the injected clock and scheduler: attempt n
 * waits initialBackoffMs * 2^(n-1), at most maxBackoffMs; after maxAttempts
 * the delivery is 'failed'. Every state change is stored, so GET
 * /api/v1/webhook/deliveries shows where each stands, and pending ones
 * survive a restart.
 */
export class WebhookDispatcher {
  private readonly log: Logger;
  private cancel: (() => void) | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly opts: WebhookOptions,
    private readonly deps: { campus: CampusStore; clock: Clock; scheduler: Scheduler; log: Logger },
  ) {
    this.log = deps.log.child({ module: 'webhook' });
  }

  /** Queues one body for delivery and tries it at once. */
  async enqueue(id: string, event: string, body: string): Promise<void> {
    const now = this.deps.clock.now();
    await this.deps.campus.putDelivery({
      id,
      event,
      body,
      state: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      lastError: null,
      createdAt: now,
      updatedAt: now,
    });
    await this.runDue();
  }

  /** Attempts every pending delivery that is due, then schedules the next wake-up. One run at a time. */
  runDue(): Promise<void> {
    this.running ??= this.run().finally(() => (this.running = null));
    return this.running;
  }

  stop(): void {
    this.cancel?.();
    this.cancel = null;
  }

  private async run(): Promise<void> {
    const pending = await this.deps.campus.deliveries('pending');
    for (const d of pending)
      if ((d.nextAttemptAt ?? 0) <= this.deps.clock.now())
        await this.deps.campus.putDelivery(await this.attempt(d));
    const next = (await this.deps.campus.deliveries('pending'))
      .map((d) => d.nextAttemptAt ?? 0)
      .reduce((a, b) => Math.min(a, b), Infinity);
    this.cancel?.();
    this.cancel =
      next === Infinity
        ? null
        : this.deps.scheduler.after(Math.max(0, next - this.deps.clock.now()), () => void this.runDue());
  }

  private async attempt(d: WebhookDelivery): Promise<WebhookDelivery> {
    const timestamp = String(this.deps.clock.now());
    let error: string | null = null;
    try {
      const res = await fetch(this.opts.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hallgate-event': d.event,
          'x-hallgate-delivery': d.id,
          'x-hallgate-timestamp': timestamp,
          'x-hallgate-signature': signWebhook(this.opts.secret, timestamp, d.body),
        },
        body: d.body,
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
      });
      await res.arrayBuffer();
      if (!res.ok) error = `HTTP ${res.status}`;
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      error = e.cause?.code ?? e.message;
    }
    const now = this.deps.clock.now();
    const attempts = d.attempts + 1;
    if (error === null)
      return { ...d, state: 'delivered', attempts, nextAttemptAt: null, lastError: null, updatedAt: now };
    const failed = attempts >= this.opts.maxAttempts;
    const wait = Math.min(this.opts.maxBackoffMs, this.opts.initialBackoffMs * 2 ** (attempts - 1));
    this.log.warn({ delivery: d.id, attempts, error, failed }, 'webhook delivery failed');
    return {
      ...d,
      state: failed ? 'failed' : 'pending',
      attempts,
      nextAttemptAt: failed ? null : now + wait,
      lastError: error,
      updatedAt: now,
    };
  }
}
