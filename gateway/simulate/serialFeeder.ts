import { SerialPort } from 'serialport';
import { HallgateError } from '../../kernel/errors.ts';
import { readerProtocols, type Protocol } from '../serial/readerProtocols.ts';
import type { PlannedSwipe } from './swipePlan.ts';

export interface SerialFeederOptions {
  path: string;
  baudRate: number;
  protocol: Protocol;
  /** Swipes per second (0: as fast as the line takes them). */
  rate: number;
  /** Called after each frame is written. */
  onWrite?: (swipe: PlannedSwipe, index: number) => void;
  shouldStop?: () => boolean;
}

/** Encodes one swipe as the reader would put it on the wire. */
export function frameOf(uid: string, protocol: Protocol): Buffer {
  return readerProtocols[protocol].encode(uid);
}

/**
 * Plays swipes as real reader frames into a serial device (for example one
 * end of a socat pty pair whose other end the daemon reads), paced at a rate.
 */
export async function feedSerial(plan: PlannedSwipe[], o: SerialFeederOptions): Promise<number> {
  const port = new SerialPort({ path: o.path, baudRate: o.baudRate, autoOpen: false });
  await new Promise<void>((resolve, reject) =>
    port.open((err) =>
      err
        ? reject(
            new HallgateError('SERIAL_OPEN_FAILED', `cannot open serial device ${o.path}: ${err.message}`),
          )
        : resolve(),
    ),
  );
  const started = performance.now();
  let written = 0;
  try {
    for (const [i, swipe] of plan.entries()) {
      if (o.shouldStop?.()) break;
      if (o.rate > 0) {
        const due = started + (i * 1000) / o.rate;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      await new Promise<void>((resolve, reject) => {
        port.write(frameOf(swipe.uid, o.protocol), (err) => (err ? reject(err) : resolve()));
      });
      written++;
      o.onWrite?.(swipe, i);
    }
    await new Promise<void>((resolve) => port.drain(() => resolve()));
  } finally {
    await new Promise<void>((resolve) => port.close(() => resolve()));
  }
  return written;
}
