// Serial reader figures: in-memory decoder throughput per protocol, and end-to-end
// frames through a real socat pty pair into SerialBadgeReader. Prints, never fails on a time.
// Usage: node --import tsx bench/serialDecoder.ts
import { open } from 'node:fs/promises';
import { systemClock } from '../kernel/clock.ts';
import { silentLogger } from '../kernel/log.ts';
import { encodeEm4100 } from '../gateway/serial/em4100Frame.ts';
import { createFrameDecoder, protocolNames, type Protocol } from '../gateway/serial/readerProtocols.ts';
import { encodeLine } from '../gateway/serial/lineFrame.ts';
import { SerialBadgeReader } from '../gateway/serial/serialBadgeReader.ts';
import { startPtyPair } from '../test/helpers/ptyPair.ts';

const frame = (p: Protocol, i: number): Buffer =>
  p === 'em4100'
    ? encodeEm4100(i.toString(16).toUpperCase().padStart(10, '0'))
    : encodeLine(String(10_000_000 + i));

for (const protocol of protocolNames) {
  const n = 200_000;
  const stream = Buffer.concat(Array.from({ length: n }, (_, i) => frame(protocol, i)));
  const d = createFrameDecoder(protocol);
  const t0 = process.hrtime.bigint();
  let frames = 0;
  for (let off = 0; off < stream.length; off += 4096) {
    for (const r of d.push(stream.subarray(off, off + 4096))) if (r.kind === 'frame') frames++;
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(
    `decoder ${protocol}: ${frames} frames, ${(stream.length / 1e6).toFixed(1)} MB in ${ms.toFixed(0)} ms = ${Math.round(frames / (ms / 1000))} frames/s`,
  );
}

for (const protocol of protocolNames) {
  const n = 10_000;
  const pair = await startPtyPair();
  const reader = new SerialBadgeReader(
    {
      readerId: 'bench',
      path: pair.readerPath,
      baudRate: 115200,
      parity: 'none',
      dataBits: 8,
      stopBits: 1,
      protocol,
      debounceMs: 0,
    },
    { logger: silentLogger(), clock: systemClock },
  );
  let swipes = 0;
  const all = new Promise<void>((resolve) =>
    reader.on('swipe', () => {
      if (++swipes === n) resolve();
    }),
  );
  const opened = new Promise<void>((resolve) => reader.on('state', (e) => e.state === 'open' && resolve()));
  await reader.start();
  await opened;
  const fh = await open(pair.writerPath, 'w');
  const t0 = process.hrtime.bigint();
  await fh.write(Buffer.concat(Array.from({ length: n }, (_, i) => frame(protocol, i))));
  await all;
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(
    `pty end-to-end ${protocol}: ${n} swipes in ${ms.toFixed(0)} ms = ${Math.round(n / (ms / 1000))} swipes/s`,
  );
  await fh.close();
  await reader.stop();
  await pair.stop();
}
