import type { Logger } from 'pino';

type Listener<T> = (payload: T) => void;

/**
 * A typed event emitter whose listeners cannot take the emitter down: a
 * throwing listener is caught and logged, and the other listeners still run.
 */
export class SafeEmitter<Events extends Record<string, unknown>> {
  private readonly listeners = new Map<keyof Events, Listener<never>[]>();

  constructor(private readonly log: Logger) {}

  on<K extends keyof Events>(event: K, fn: Listener<Events[K]>): () => void {
    const list = this.listeners.get(event) ?? [];
    list.push(fn);
    this.listeners.set(event, list);
    return () => {
      const l = this.listeners.get(event);
      if (l)
        this.listeners.set(
          event,
          l.filter((x) => x !== (fn as Listener<never>)),
        );
    };
  }

  /** Whether anyone listens (so a costly payload is built only when needed). */
  has<K extends keyof Events>(event: K): boolean {
    return (this.listeners.get(event)?.length ?? 0) > 0;
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    for (const fn of this.listeners.get(event) ?? []) {
      try {
        (fn as Listener<Events[K]>)(payload);
      } catch (err) {
        this.log.error({ err, event: String(event) }, 'event listener failed');
      }
    }
  }
}
