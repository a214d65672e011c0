import { SerialPort } from 'serialport';
import type { Clock } from '../../kernel/clock.ts';
import { HallgateError } from '../../kernel/errors.ts';
import type { Logger } from '../../kernel/log.ts';
import { SafeEmitter } from '../../kernel/safeEmitter.ts';
import type {
  BadgeReader,
  BadgeReaderEvents,
  BadgeReaderStats,
  BadFrameReason,
  ReaderState,
} from './badgeReader.ts';
import { SwipeDebouncer } from './debounce.ts';
import type { DecodeResult, FrameDecoder } from './frameDecoder.ts';
import { createFrameDecoder, type Protocol } from './readerProtocols.ts';
import { hangupAwareBinding } from './hangupAwareBinding.ts';
import { DEFAULT_LINE_LIMITS, type LineLimits } from './lineFrame.ts';
import { DEFAULT_RECONNECT, backoffDelay, type BackoffOptions } from '../../kernel/reconnectBackoff.ts';

export interface SerialBadgeReaderOptions {
  readerId: string;
  /** Serial device, e.g. /dev/ttyUSB0 (may be absent at start: the reader waits for it). */
  path: string;
  baudRate: number;
  parity: 'none' | 'even' | 'odd';
  dataBits: 5 | 6 | 7 | 8;
  stopBits: 1 | 2;
  protocol: Protocol;
  /** Reads of the same card within this window are one swipe; 0 turns debouncing off. */
  debounceMs: number;
  /** Retry delays while the device is missing (default 500 ms doubling to 30 s). */
  reconnect?: BackoffOptions;
  /** Card number length accepted by the 'line' protocol (default 4..20). */
  line?: LineLimits;
  /** Put card numbers and raw bytes in debug logs (default false). */
  logCardIds?: boolean;
}

export interface SerialBadgeReaderDeps {
  logger: Logger;
  clock: Clock;
}

const EMPTY_BAD: Record<BadFrameReason, number> = {
  bad_checksum: 0,
  noise: 0,
  truncated: 0,
  overlong: 0,
  invalid_chars: 0,
};

/**
 * A badge reader on a serial line. Opens the device in start(); when the device
 * is missing or disappears (unplugged, far end gone) it retries with capped
 * exponential backoff and reads on once the device is back. stop() closes the
 * port and cancels the retry timer.
 */
export class SerialBadgeReader implements BadgeReader {
  readonly readerId: string;
  private readonly log: Logger;
  private readonly events: SafeEmitter<BadgeReaderEvents>;
  private port: SerialPort | null = null;
  private decoder: FrameDecoder | null = null;
  private debouncer: SwipeDebouncer | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private opening: Promise<void> | null = null;
  private attempt = 0;
  private running = false;
  private state: ReaderState = 'closed';
  private counters: BadgeReaderStats = {
    framesOk: 0,
    badFrames: { ...EMPTY_BAD },
    swipes: 0,
    debounced: 0,
    reconnects: 0,
    openFailures: 0,
  };

  constructor(
    private readonly opts: SerialBadgeReaderOptions,
    private readonly deps: SerialBadgeReaderDeps,
  ) {
    this.readerId = opts.readerId;
    this.log = deps.logger.child({ module: 'serial', readerId: opts.readerId });
    this.events = new SafeEmitter<BadgeReaderEvents>(this.log);
  }

  on<K extends keyof BadgeReaderEvents>(
    event: K,
    listener: (payload: BadgeReaderEvents[K]) => void,
  ): () => void {
    return this.events.on(event, listener);
  }

  stats(): BadgeReaderStats {
    return { ...this.counters, badFrames: { ...this.counters.badFrames } };
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.validate();
    this.running = true;
    this.attempt = 0;
    this.decoder = createFrameDecoder(this.opts.protocol, this.opts.line ?? DEFAULT_LINE_LIMITS);
    this.debouncer = new SwipeDebouncer(this.opts.debounceMs, this.deps.clock);
    this.setState('connecting');
    await this.openOnce();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    // An open in flight sees running=false and closes what it opened.
    if (this.opening) await this.opening;
    const port = this.port;
    this.port = null;
    if (port) {
      this.detach(port);
      await closePort(port).catch((err: unknown) => this.log.warn({ err }, 'closing the serial port failed'));
    }
    this.decode(this.decoder?.flush() ?? []);
    this.setState('closed');
  }

  private validate(): void {
    const { path, baudRate, line } = this.opts;
    const problems: string[] = [];
    if (!path) problems.push('path is empty');
    if (!Number.isInteger(baudRate) || baudRate <= 0)
      problems.push(`baudRate ${baudRate} is not a positive integer`);
    if (line && !(line.minLength >= 1 && line.maxLength >= line.minLength)) {
      problems.push(`line limits ${line.minLength}..${line.maxLength} are not 1 <= minLength <= maxLength`);
    }
    const rc = this.opts.reconnect;
    if (rc && !(rc.initialMs > 0 && rc.maxMs >= rc.initialMs))
      problems.push(`reconnect ${rc.initialMs}..${rc.maxMs} ms is not 0 < initialMs <= maxMs`);
    if (problems.length > 0) {
      throw new HallgateError('SERIAL_CONFIG_INVALID', `reader ${this.readerId}: ${problems.join('; ')}`);
    }
  }

  /** One attempt to open the device; on failure schedules the next one. Never rejects. */
  private openOnce(): Promise<void> {
    const attempt = this.tryOpen().finally(() => {
      if (this.opening === attempt) this.opening = null;
    });
    this.opening = attempt;
    return attempt;
  }

  private async tryOpen(): Promise<void> {
    let port: SerialPort;
    try {
      const { path, baudRate, parity, dataBits, stopBits } = this.opts;
      // SerialPort takes `binding` at run time (it overrides the detected one), though its type omits it.
      const options = {
        path,
        baudRate,
        parity,
        dataBits,
        stopBits,
        autoOpen: false,
        binding: hangupAwareBinding,
      };
      port = new SerialPort(options);
      await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    } catch (err) {
      if (!this.running) return;
      this.counters.openFailures++;
      const msg = `cannot open ${this.opts.path}: ${toError(err).message}`;
      this.lost(new HallgateError('SERIAL_OPEN_FAILED', msg, { cause: err }), 'open failed');
      return;
    }
    if (!this.running) {
      await closePort(port).catch(() => undefined);
      return;
    }
    this.port = port;
    port.on('data', (chunk: Buffer) => this.decode(this.decoder?.push(chunk) ?? []));
    port.on('close', (err: Error | null) =>
      this.onPortGone(port, err ?? new HallgateError('SERIAL_CLOSED', 'serial port closed')),
    );
    port.on('end', () =>
      this.onPortGone(port, new HallgateError('SERIAL_EOF', 'serial port reached end of input')),
    );
    port.on('error', (err: Error) => this.onPortGone(port, err));
    if (this.state === 'reconnecting') this.counters.reconnects++;
    this.attempt = 0;
    this.setState('open');
  }

  private onPortGone(port: SerialPort, err: Error): void {
    if (this.port !== port) return;
    this.port = null;
    this.detach(port);
    if (port.isOpen)
      closePort(port).catch((e: unknown) => this.log.debug({ err: e }, 'closing a failed port failed'));
    this.decode(this.decoder?.flush() ?? []);
    const msg = `lost ${this.opts.path}: ${err.message}`;
    if (this.running)
      this.lost(new HallgateError('SERIAL_DISCONNECTED', msg, { cause: err }), 'serial port lost');
  }

  private detach(port: SerialPort): void {
    port.removeAllListeners('data');
    port.removeAllListeners('close');
    port.removeAllListeners('end');
    port.removeAllListeners('error');
    // A late error from a port we gave up on must not become an uncaught 'error' event.
    port.on('error', (err: Error) => this.log.debug({ err }, 'error from a closed port'));
  }

  private lost(err: Error, what: string): void {
    const delay = backoffDelay(this.attempt++, this.opts.reconnect ?? DEFAULT_RECONNECT);
    this.log.debug({ err, retryInMs: delay }, what);
    this.setState('reconnecting', err);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.running) void this.openOnce();
    }, delay);
  }

  private decode(results: DecodeResult[]): void {
    for (const r of results) {
      switch (r.kind) {
        case 'frame':
          this.counters.framesOk++;
          if (this.debouncer && !this.debouncer.accept(this.readerId, r.uid)) {
            this.counters.debounced++;
            continue;
          }
          this.counters.swipes++;
          if (this.opts.logCardIds) this.log.debug({ uid: r.uid }, 'swipe');
          this.events.emit('swipe', { uid: r.uid, readerId: this.readerId, ts: this.deps.clock.now() });
          break;
        case 'bad': {
          this.counters.badFrames[r.reason]++;
          const hex = r.bytes.toString('hex') + (r.length > r.bytes.length ? '…' : '');
          this.log.debug(
            { reason: r.reason, length: r.length, ...(this.opts.logCardIds ? { bytes: hex } : {}) },
            'bad frame',
          );
          this.events.emit('badFrame', { readerId: this.readerId, reason: r.reason, bytes: hex });
          break;
        }
      }
    }
  }

  private setState(state: ReaderState, error?: Error): void {
    if (state === this.state) return;
    this.state = state;
    if (state === 'reconnecting')
      this.log.warn({ err: error, path: this.opts.path }, 'serial reader reconnecting');
    else this.log.info({ path: this.opts.path }, `serial reader ${state}`);
    this.events.emit(
      'state',
      error ? { readerId: this.readerId, state, error } : { readerId: this.readerId, state },
    );
  }
}

function closePort(port: SerialPort): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!port.isOpen) return resolve();
    port.close((err) => (err ? reject(err) : resolve()));
  });
}

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
