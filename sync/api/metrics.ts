import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AggregatorStats } from '../aggregator/aggregator.ts';
import type { CentralStore } from '../aggregator/centralStore.ts';

/**
 * The aggregator's Prometheus metrics. Labels never carry a student or card
 * id: outcomes, normalised dead-letter reasons, site and gateway ids, routes.
 */
export class ApiMetrics {
  readonly registry = new Registry();
  readonly writeSeconds: Histogram;
  readonly deadLetters: Counter;
  readonly httpRequests: Counter;

  constructor(deps: { central: CentralStore; stats?: () => AggregatorStats; now: () => number }) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'hallgate_aggregator_' });
    this.writeSeconds = new Histogram({
      name: 'hallgate_central_write_seconds',
      help: 'Time to write one batch durably to the central store',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.deadLetters = new Counter({
      name: 'hallgate_central_dead_letters_total',
      help: 'Items or messages dead-lettered centrally, by normalised reason',
      labelNames: ['reason'],
      registers,
    });
    this.httpRequests = new Counter({
      name: 'hallgate_api_requests_total',
      help: 'HTTP API requests by route and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    const stats = deps.stats;
    new Gauge({
      name: 'hallgate_central_batches_total',
      help: 'Batches handled by this aggregator, by outcome (a counter read from the aggregator)',
      labelNames: ['outcome'],
      registers,
      collect() {
        if (!stats) return;
        const s = stats();
        this.set({ outcome: 'written' }, s.batchesWritten);
        this.set({ outcome: 'rejected' }, s.batchesRejected);
        this.set({ outcome: 'malformed' }, s.malformedDropped);
        this.set({ outcome: 'write_failed' }, s.writeFailures);
      },
    });
    new Gauge({
      name: 'hallgate_central_items_total',
      help: 'Batch items handled by this aggregator, by outcome (a counter read from the aggregator)',
      labelNames: ['outcome'],
      registers,
      collect() {
        if (!stats) return;
        const s = stats();
        this.set({ outcome: 'written' }, s.itemsWritten);
        this.set({ outcome: 'dead_lettered' }, s.itemsDeadLettered);
      },
    });
    const { central, now } = deps;
    new Gauge({
      name: 'hallgate_gateway_last_seen_seconds',
      help: 'Seconds since the last status or heartbeat of each gateway',
      labelNames: ['site', 'gateway'],
      registers,
      async collect() {
        this.reset();
        for (const g of await central.gatewayStatuses())
          this.set({ site: g.site, gateway: g.gatewayId }, Math.max(0, (now() - g.updatedAt) / 1000));
      },
    });
  }

  deadLettered(reason: string): void {
    this.deadLetters.inc({ reason: normaliseReason(reason) });
  }
}

/** A dead-letter reason as a bounded label: digits become N, quoted text and ids go, 60 characters at most. */
export function normaliseReason(reason: string): string {
  return (
    reason
      .split(';')[0]!
      .replace(/"[^"]*"|'[^']*'/g, '…')
      .replace(/\d+/g, 'N')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 60) || 'unknown'
  );
}
