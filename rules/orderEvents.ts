import type { Direction, EventSource, IdentityEvent } from './types.ts';

/** At the same millisecond an exit sorts before an entry (leave, then come back in). */
const DIRECTION_RANK: Record<Direction, number> = { exit: 0, enter: 1, unknown: 2 };
/** At the same millisecond and direction a badge sorts before a face. */
const SOURCE_RANK: Record<EventSource, number> = { rfid: 0, face: 1 };

function cmpStr(a: string | null | undefined, b: string | null | undefined): number {
  const x = a ?? '';
  const y = b ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Total order on events: ts, then direction (exit < enter < unknown), then
 * source (rfid < face), then eventId; the remaining fields only break ties
 * between corrupt copies that share an eventId, so any input order gives the
 * same sequence.
 */
export function compareEvents(a: IdentityEvent, b: IdentityEvent): number {
  return (
    a.ts - b.ts ||
    DIRECTION_RANK[a.direction] - DIRECTION_RANK[b.direction] ||
    SOURCE_RANK[a.source] - SOURCE_RANK[b.source] ||
    cmpStr(a.eventId, b.eventId) ||
    cmpStr(a.gateId, b.gateId) ||
    cmpStr(a.hallId, b.hallId) ||
    cmpStr(a.studentId, b.studentId) ||
    cmpStr(a.rawId, b.rawId) ||
    (a.confidence ?? -1) - (b.confidence ?? -1) ||
    cmpStr(a.trackId, b.trackId)
  );
}

/** An event dropped because the same identity was seen at the same gate just before. */
export interface DebouncedEvent {
  event: IdentityEvent;
  /** The event it collapsed into (the first of the burst). */
  keptEventId: string;
}

export interface OrderedEvents {
  /** Chronological, one per eventId, debounced. */
  events: IdentityEvent[];
  debounced: DebouncedEvent[];
}

/** Who an event names: the roster id, else the face track, else what the device read. */
export function identityOf(e: IdentityEvent): string {
  return e.studentId ?? (e.trackId !== undefined ? `track:${e.trackId}` : `raw:${e.rawId}`);
}

/**
 * Sorts events chronologically (see compareEvents), keeps one copy per eventId,
 * and collapses bursts: an event with the same identity, source, gate and
 * direction as the last KEPT one, at most debounceSec after it, is dropped. The
 * window runs from the first event of a burst (not chained from the previous
 * repeat), so adding a repeat never changes which other events survive; a
 * camera that keeps recognising a person yields one event per window.
 * Source and direction are part of the key on purpose: a badge and a face are
 * paired later, not collapsed, and "in" then "out" are two acts.
 */
export function orderEvents(events: readonly IdentityEvent[], debounceSec: number): OrderedEvents {
  const sorted = [...events].sort(compareEvents);
  const seenIds = new Set<string>();
  const last = new Map<string, { ts: number; keptEventId: string }>();
  const windowMs = debounceSec * 1000;
  const out: IdentityEvent[] = [];
  const debounced: DebouncedEvent[] = [];
  for (const e of sorted) {
    if (seenIds.has(e.eventId)) continue;
    seenIds.add(e.eventId);
    const key = `${identityOf(e)}\u0000${e.source}\u0000${e.gateId}\u0000${e.direction}`;
    const prev = last.get(key);
    if (prev !== undefined && e.ts - prev.ts <= windowMs) {
      debounced.push({ event: e, keptEventId: prev.keptEventId });
      continue;
    }
    last.set(key, { ts: e.ts, keptEventId: e.eventId });
    out.push(e);
  }
  return { events: out, debounced };
}
