import { Counter, Gauge, type Registry } from 'prom-client';

/** Label values of one sample. */
export type Labels<L extends string> = Partial<Record<L, string>>;

/**
 * A counter showing running totals kept elsewhere (a reader's stats, the frame
 * source's), read when scraped.
 */
export function totalCounter<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: L[],
  read: () => [Labels<L>, number][],
): Counter<L> {
  return new Counter<L>({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const [labels, value] of read()) this.inc(labels, value);
    },
  });
}

/** A gauge showing levels read when scraped; a null reading leaves the sample out. */
export function levelGauge<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: L[],
  read: () => [Labels<L>, number | null][],
): Gauge<L> {
  return new Gauge<L>({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const [labels, value] of read()) if (value !== null) this.set(labels, value);
    },
  });
}
