import type { LocalClock } from './localClock.ts';
import type { DebouncedEvent } from './orderEvents.ts';
import type { CardFaceMismatch, Passage } from './pairCardFace.ts';
import type { PresenceInterval } from './presenceIntervals.ts';
import type { Timetable } from './timetable.ts';
import type { IdentityEvent, Thresholds } from './types.ts';

/** What the day-level steps produced, shared by every per-record rule. */
export interface DayContext {
  studentId: string;
  now: number;
  base: Thresholds;
  timetable: Timetable;
  passages: Passage[];
  intervals: PresenceInterval[];
  orphanExits: Passage[];
  mismatches: CardFaceMismatch[];
  lowConfidence: IdentityEvent[];
  debounced: DebouncedEvent[];
  /** Local clock and day of the site (UTC when no site day was given). */
  clock: LocalClock;
}
