import { read } from 'node:fs';
import { promisify } from 'node:util';
import { SerialPort } from 'serialport';
import { HallgateError } from '../../kernel/errors.ts';

type Binding = typeof SerialPort.binding;

/** The parts of serialport's Linux/macOS port binding this module relies on. */
interface UnixPortBinding {
  fd: number | null;
  readonly isOpen: boolean;
  poller: { once(event: 'readable', cb: (err: Error | null | undefined) => void): unknown };
  read(buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }>;
}

const readAsync = promisify(read);

function isUnixPortBinding(port: unknown): port is UnixPortBinding {
  const p = port as Partial<UnixPortBinding> | null;
  return (
    typeof p === 'object' &&
    p !== null &&
    'fd' in p &&
    typeof p.poller?.once === 'function' &&
    typeof p.read === 'function'
  );
}

/** serialport's "the port was closed under this read" error: the stream ignores it. */
function canceled(message: string): Error {
  return Object.assign(new Error(message), { canceled: true });
}

/**
 * A read that treats end-of-file as what it is on a tty: a hangup. serialport
 * 13 retries a read that returns 0 bytes forever, so a device (or pty far end)
 * that goes away while a read is under way spins at full CPU and is never
 * reported; here it becomes a disconnect, the port closes and the reader
 * reconnects.
 */
async function readUntilData(
  port: UnixPortBinding,
  buffer: Buffer,
  offset: number,
  length: number,
): Promise<{ buffer: Buffer; bytesRead: number }> {
  for (;;) {
    if (!port.isOpen || port.fd === null) throw canceled('Port is not open');
    try {
      const { bytesRead } = await readAsync(port.fd, buffer, offset, length, null);
      if (bytesRead === 0) {
        throw Object.assign(
          new HallgateError('SERIAL_HANGUP', 'serial device hung up (read returned end of file)'),
          { disconnect: true },
        );
      }
      return { bytesRead, buffer };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EAGAIN' && code !== 'EWOULDBLOCK' && code !== 'EINTR') throw err;
      if (!port.isOpen) throw canceled('Port is not open');
      await new Promise<void>((resolve, reject) =>
        port.poller.once('readable', (e) => (e ? reject(e) : resolve())),
      );
    }
  }
}

/** The platform binding serialport picked, with hangup-aware reads on Unix ports. */
export const hangupAwareBinding: Binding = {
  list: () => SerialPort.binding.list(),
  async open(options: Parameters<Binding['open']>[0]) {
    const port = await SerialPort.binding.open(options as never);
    if (isUnixPortBinding(port)) {
      port.read = (buffer, offset, length) => readUntilData(port, buffer, offset, length);
    }
    return port;
  },
} as Binding;
