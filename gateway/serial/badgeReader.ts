/**
 * The contract every badge reader adapter fulfils (the serial reader today; a
 * network reader could follow). The daemon only sees this interface.
 */

/** Why a chunk of input was rejected. */
export type BadFrameReason = 'bad_checksum' | 'noise' | 'truncated' | 'overlong' | 'invalid_chars';

export const BAD_FRAME_REASONS: readonly BadFrameReason[] = [
  'bad_checksum',
  'noise',
  'truncated',
  'overlong',
  'invalid_chars',
];

export type ReaderState = 'connecting' | 'open' | 'closed' | 'reconnecting';

/** One swipe: a card read once (repeats within the debounce window folded in). */
export interface SwipeEvent {
  /** Card number as read: uppercase hex (EM4100: 10 digits) or digits. */
  uid: string;
  readerId: string;
  /** Epoch milliseconds from the injected clock. */
  ts: number;
}

/** Input the reader rejected. */
export interface BadFrameEvent {
  readerId: string;
  reason: BadFrameReason;
  /** The rejected bytes as hex, cut to the first 32 bytes ('…' appended when cut). */
  bytes: string;
}

export interface ReaderStateEvent {
  readerId: string;
  state: ReaderState;
  /** Why the reader left 'open' or failed to open. */
  error?: Error;
}

export type BadgeReaderEvents = {
  swipe: SwipeEvent;
  badFrame: BadFrameEvent;
  state: ReaderStateEvent;
};

export interface BadgeReaderStats {
  /** Well-formed frames decoded (before debouncing). */
  framesOk: number;
  badFrames: Record<BadFrameReason, number>;
  /** Swipes emitted (after debouncing). */
  swipes: number;
  /** Frames folded into an earlier swipe by the debounce window. */
  debounced: number;
  /** Times the device was opened again after it was lost or failed to open. */
  reconnects: number;
  /** Open attempts that failed. */
  openFailures: number;
}

export interface BadgeReader {
  readonly readerId: string;
  /** Opens the device; resolves after the first attempt (failure schedules retries, see 'state'). */
  start(): Promise<void>;
  /** Closes the device and cancels retries; idempotent. */
  stop(): Promise<void>;
  /** Subscribes; returns the unsubscribe function. A throwing listener is caught and logged. */
  on<K extends keyof BadgeReaderEvents>(
    event: K,
    listener: (payload: BadgeReaderEvents[K]) => void,
  ): () => void;
  stats(): BadgeReaderStats;
}
