import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { ManualClock } from '../../kernel/clock.ts';
import { encodeEm4100 } from '../../gateway/serial/em4100Frame.ts';
import { encodeLine } from '../../gateway/serial/lineFrame.ts';
import type { BadFrameReason } from '../../gateway/serial/badgeReader.ts';
import type { SerialBadgeReaderOptions } from '../../gateway/serial/serialBadgeReader.ts';
import type { Protocol } from '../../gateway/serial/readerProtocols.ts';
import { ptyPairPaths, startPtyPair, type PtyPair } from '../helpers/ptyPair.ts';
import { FarEnd, readerOptions, recordedReader, seededRandom, waitUntil } from './readerHarness.ts';

/** A reader on a fresh pty pair, plus the far end to write from; all torn down by `done()`. */
async function rig(
  over: Partial<SerialBadgeReaderOptions> = {},
  deps: Parameters<typeof recordedReader>[1] = {},
) {
  const pair = await startPtyPair();
  const rec = recordedReader(readerOptions({ path: pair.readerPath, ...over }), deps);
  const far = new FarEnd(pair.writerPath);
  await rec.reader.start();
  await waitUntil(() => rec.states.at(-1)?.state === 'open', 'reader open');
  return {
    pair,
    rec,
    far,
    done: async (): Promise<void> => {
      await rec.reader.stop();
      await far.close();
      await pair.stop();
    },
  };
}

const emUid = (i: number): string => i.toString(16).toUpperCase().padStart(10, '0');
const frame = (protocol: Protocol, uid: string): Buffer =>
  protocol === 'em4100' ? encodeEm4100(uid) : encodeLine(uid);
/** Written last in each case: once it is read, everything before it has been decoded. */
const SENTINEL = { em4100: 'FFFFFFFF00', line: '99999999' } as const;

/** A write, or a pause between writes. */
type Step = Buffer | { pauseMs: number };

function noisyEm4100(seed: number, count: number): { steps: Step[]; uids: string[] } {
  const rnd = seededRandom(seed);
  const steps: Step[] = [];
  const uids: string[] = [];
  for (let i = 0; i < count; i++) {
    const noise = Buffer.from(Array.from({ length: Math.floor(rnd() * 40) }, () => Math.floor(rnd() * 256)));
    const uid = emUid(0xa000 + i);
    steps.push(Buffer.concat([noise, encodeEm4100(uid)]));
    uids.push(uid);
  }
  return { steps, uids };
}

function noisyLine(seed: number, count: number): { steps: Step[]; uids: string[] } {
  const rnd = seededRandom(seed);
  const steps: Step[] = [];
  const uids: string[] = [];
  for (let i = 0; i < count; i++) {
    // Binary line noise glued in front (bytes 0x80..0xFF, never card characters or terminators),
    // or an arbitrary garbled line ended by a terminator.
    const glued = rnd() < 0.5;
    const n = 1 + Math.floor(rnd() * 30);
    const noise = glued
      ? Buffer.from(Array.from({ length: n }, () => 0x80 + Math.floor(rnd() * 128)))
      : Buffer.concat([
          Buffer.from(Array.from({ length: n }, () => Math.floor(rnd() * 256))),
          Buffer.from('\r\n'),
        ]);
    const uid = (0x1000_0000 + i).toString(16).toUpperCase();
    steps.push(Buffer.concat([noise, encodeLine(uid)]));
    uids.push(uid);
  }
  return { steps, uids };
}

function splitWithPauses(bytes: Buffer, pieces: number): Step[] {
  const steps: Step[] = [];
  const size = Math.ceil(bytes.length / pieces);
  for (let off = 0; off < bytes.length; off += size) {
    if (off > 0) steps.push({ pauseMs: 30 });
    steps.push(bytes.subarray(off, off + size));
  }
  return steps;
}

interface StreamCase {
  name: string;
  protocol: Protocol;
  steps: Step[];
  want: string[];
  /** Exact bad-frame counts expected (reasons not listed: 0); omit when noise makes them arbitrary. */
  wantBad?: Partial<Record<BadFrameReason, number>>;
  /** At least this many bad frames (for seeded noise). */
  minBad?: number;
}

const noisyEm = noisyEm4100(7, 25);
const noisyLn = noisyLine(11, 25);
const cases: StreamCase[] = [
  {
    name: 'good frames',
    protocol: 'em4100',
    steps: [encodeEm4100('0102030405'), encodeEm4100('62E3086CED')],
    want: ['0102030405', '62E3086CED'],
    wantBad: {},
  },
  {
    name: 'good lines (CR LF, CR, LF)',
    protocol: 'line',
    steps: [encodeLine('0012345678'), encodeLine('04a3b2c1', '\r'), encodeLine('777777', '\n')],
    want: ['0012345678', '04A3B2C1', '777777'],
    wantBad: {},
  },
  {
    name: 'bad checksum between good frames',
    protocol: 'em4100',
    steps: [
      encodeEm4100('0102030405'),
      Buffer.from('\x02010203040502\r\n\x03', 'latin1'),
      encodeEm4100('62E3086CED'),
    ],
    want: ['0102030405', '62E3086CED'],
    wantBad: { bad_checksum: 1 },
  },
  {
    name: 'truncated, overlong and invalid frames between good ones',
    protocol: 'em4100',
    steps: [
      Buffer.from(`\x020102${'\x02'}`, 'latin1'),
      Buffer.from(`${'9'.repeat(40)}\x03`),
      Buffer.from('\x02XY0203040501\r\n\x03', 'latin1'),
      encodeEm4100('0102030405'),
    ],
    want: ['0102030405'],
    wantBad: { truncated: 1, overlong: 1, invalid_chars: 1 },
  },
  {
    name: 'short, long and garbled lines between good ones',
    protocol: 'line',
    steps: [
      Buffer.from('12\r\n'),
      Buffer.from(`${'7'.repeat(30)}\r\n`),
      encodeLine('12345678'),
      Buffer.from('\x80\x81\r\n', 'latin1'),
    ],
    want: ['12345678'],
    wantBad: { truncated: 1, overlong: 1, noise: 1 },
  },
  {
    name: 'seeded random noise between frames',
    protocol: 'em4100',
    steps: noisyEm.steps,
    want: noisyEm.uids,
    minBad: 10,
  },
  {
    name: 'seeded random noise between lines',
    protocol: 'line',
    steps: noisyLn.steps,
    want: noisyLn.uids,
    minBad: 10,
  },
  {
    name: 'a frame split across writes with pauses',
    protocol: 'em4100',
    steps: [
      ...splitWithPauses(encodeEm4100('ABCDEF0123'), 5),
      ...splitWithPauses(encodeEm4100('0000000042'), 16),
    ],
    want: ['ABCDEF0123', '0000000042'],
    wantBad: {},
  },
  {
    name: 'a line split across writes with pauses (CR and LF in separate writes)',
    protocol: 'line',
    steps: splitWithPauses(encodeLine('4000123456789'), 14),
    want: ['4000123456789'],
    wantBad: {},
  },
];

describe('SerialBadgeReader over a real pty pair', () => {
  for (const c of cases) {
    it(`${c.protocol}: ${c.name}`, async () => {
      const { rec, far, done } = await rig({ protocol: c.protocol });
      try {
        for (const s of [...c.steps, frame(c.protocol, SENTINEL[c.protocol])]) {
          if (Buffer.isBuffer(s)) await far.write(s);
          else await new Promise((r) => setTimeout(r, s.pauseMs));
        }
        await waitUntil(() => rec.swipes.at(-1)?.uid === SENTINEL[c.protocol], 'sentinel swipe');
        assert.deepEqual(
          rec.swipes.map((s) => s.uid),
          [...c.want, SENTINEL[c.protocol]],
        );
        for (const s of rec.swipes) assert.equal(s.readerId, 'hall-a-door-1');
        const stats = rec.reader.stats();
        assert.equal(stats.swipes, c.want.length + 1);
        if (c.wantBad) {
          assert.deepEqual(stats.badFrames, {
            bad_checksum: 0,
            noise: 0,
            truncated: 0,
            overlong: 0,
            invalid_chars: 0,
            ...c.wantBad,
          });
          assert.equal(
            rec.badFrames.length,
            Object.values(c.wantBad).reduce((a, b) => a + b, 0),
          );
        }
        if (c.minBad !== undefined)
          assert.ok(rec.badFrames.length >= c.minBad, `only ${rec.badFrames.length} bad frames`);
        for (const b of rec.badFrames) assert.match(b.bytes, /^[0-9a-f]{2,64}…?$/);
      } finally {
        await done();
      }
    });
  }

  for (const protocol of ['em4100', 'line'] as const) {
    it(`${protocol}: a burst of 1,000 frames arrives complete and in order`, async () => {
      const { rec, far, done } = await rig({ protocol, debounceMs: 2000 });
      try {
        const uids = Array.from({ length: 1000 }, (_, i) =>
          protocol === 'em4100' ? emUid(0x10000 + i) : String(10_000_000 + i),
        );
        await far.write(Buffer.concat(uids.map((u) => frame(protocol, u))));
        await waitUntil(() => rec.swipes.length >= 1000, '1,000 swipes');
        assert.deepEqual(
          rec.swipes.map((s) => s.uid),
          uids,
        );
        assert.equal(rec.badFrames.length, 0);
        assert.equal(rec.reader.stats().framesOk, 1000);
      } finally {
        await done();
      }
    });
  }

  it('debounces the same card within the window (injected clock)', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const { rec, far, done } = await rig({ debounceMs: 2000 }, { clock });
    const framesOk = () => rec.reader.stats().framesOk;
    try {
      await far.write(encodeEm4100('00000000AA'));
      await waitUntil(() => framesOk() === 1, 'first read');
      clock.advance(1500);
      await far.write(encodeEm4100('00000000AA'));
      await waitUntil(() => framesOk() === 2, 'second read');
      assert.equal(rec.swipes.length, 1, 'a repeat within the window is the same swipe');
      clock.advance(2000);
      await far.write(encodeEm4100('00000000AA'));
      await waitUntil(() => framesOk() === 3, 'third read');
      assert.deepEqual(
        rec.swipes.map((s) => [s.uid, s.ts]),
        [
          ['00000000AA', 1_700_000_000_000],
          ['00000000AA', 1_700_000_003_500],
        ],
      );
      assert.equal(rec.reader.stats().debounced, 1);
    } finally {
      await done();
    }
  });

  it('a throwing listener is logged and does not stop the reader', async () => {
    const logLines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        logLines.push(chunk.toString());
        cb();
      },
    });
    const { rec, far, done } = await rig({}, { logger: pino({ level: 'error' }, sink) });
    rec.reader.on('swipe', () => {
      throw new Error('listener bug');
    });
    const after: string[] = [];
    rec.reader.on('swipe', (e) => after.push(e.uid));
    try {
      await far.write(encodeEm4100('0000000001'));
      await far.write(encodeEm4100('0000000002'));
      await waitUntil(() => after.length === 2, 'both swipes at the later listener');
      assert.deepEqual(after, ['0000000001', '0000000002']);
      assert.equal(logLines.filter((l) => l.includes('listener bug')).length, 2);
      assert.equal(rec.states.at(-1)?.state, 'open');
    } finally {
      await done();
    }
  });
});

describe('SerialBadgeReader reconnection', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hallgate-serial-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('far end closes and comes back: reconnecting, then open, and swipes are read again', async () => {
    const { pair, rec, far, done } = await rig();
    try {
      await far.write(encodeEm4100('00000000B1'));
      await waitUntil(() => rec.swipes.length === 1, 'swipe before unplug');
      await far.close();
      await pair.restart();
      await waitUntil(() => rec.states.filter((s) => s.state === 'open').length === 2, 'reopened');
      assert.deepEqual(
        rec.states.map((s) => s.state),
        ['connecting', 'open', 'reconnecting', 'open'],
      );
      assert.equal((rec.states[2]?.error as { code?: string } | undefined)?.code, 'SERIAL_DISCONNECTED');
      await far.write(encodeEm4100('00000000B2'));
      await waitUntil(() => rec.swipes.length === 2, 'swipe after reconnection');
      assert.deepEqual(
        rec.swipes.map((s) => s.uid),
        ['00000000B1', '00000000B2'],
      );
      assert.equal(rec.reader.stats().reconnects, 1);
    } finally {
      await done();
    }
  });

  it('stays down while unplugged (keeps retrying), then reads after replug', async () => {
    const { pair, rec, far, done } = await rig({ protocol: 'line' });
    try {
      await far.close();
      await pair.unplug();
      await waitUntil(() => rec.reader.stats().openFailures >= 3, 'several failed retries');
      assert.equal(rec.states.at(-1)?.state, 'reconnecting');
      await pair.restart();
      await waitUntil(() => rec.states.at(-1)?.state === 'open', 'reopened');
      await far.write(encodeLine('12345678'));
      await waitUntil(() => rec.swipes.length === 1, 'swipe after replug');
      assert.equal(rec.swipes[0]?.uid, '12345678');
    } finally {
      await done();
    }
  });

  it('device absent at start: keeps retrying and opens once it appears', async () => {
    const paths = ptyPairPaths(dir);
    const rec = recordedReader(readerOptions({ path: paths.readerPath }));
    let pair: PtyPair | null = null;
    const far = new FarEnd(paths.writerPath);
    try {
      await rec.reader.start();
      await waitUntil(() => rec.reader.stats().openFailures >= 3, 'several failed opens');
      assert.deepEqual(
        rec.states.map((s) => s.state),
        ['connecting', 'reconnecting'],
      );
      assert.equal((rec.states[1]?.error as { code?: string } | undefined)?.code, 'SERIAL_OPEN_FAILED');
      pair = await startPtyPair({ dir });
      await waitUntil(() => rec.states.at(-1)?.state === 'open', 'open once the device appears');
      await far.write(encodeEm4100('00000000C3'));
      await waitUntil(() => rec.swipes.length === 1, 'swipe');
      assert.equal(rec.swipes[0]?.uid, '00000000C3');
      assert.equal(rec.reader.stats().reconnects, 1);
    } finally {
      await rec.reader.stop();
      await far.close();
      await pair?.stop();
    }
    assert.equal(rec.states.at(-1)?.state, 'closed');
  });

  it('refuses invalid options with a coded error', async () => {
    const rec = recordedReader(readerOptions({ baudRate: 0, line: { minLength: 9, maxLength: 3 } }));
    await assert.rejects(rec.reader.start(), { code: 'SERIAL_CONFIG_INVALID' });
  });

  /** Runs the fixture in a child process and returns its exit code (it must exit by itself after stop()). */
  function runStartStop(
    path: string,
    state: 'open' | 'reconnecting',
  ): Promise<{ code: number | null; out: string }> {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'startStopExit.ts'), path, state],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    return new Promise((resolve) =>
      child.on('exit', (code) => {
        clearTimeout(killer);
        resolve({ code, out });
      }),
    );
  }

  it('stop() leaves nothing behind: the process exits (port open)', async () => {
    const pair = await startPtyPair();
    try {
      const r = await runStartStop(pair.readerPath, 'open');
      assert.deepEqual(r, { code: 0, out: 'stopped\n' });
    } finally {
      await pair.stop();
    }
  });

  it('stop() leaves nothing behind: the process exits (while retrying)', async () => {
    const r = await runStartStop(join(dir, 'never-there'), 'reconnecting');
    assert.deepEqual(r, { code: 0, out: 'stopped\n' });
  });
});
