import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { JpegSplitter } from '../../gateway/camera/jpegSplitter.ts';
import { LatestSlot } from '../../gateway/camera/latestSlot.ts';

let jpegs: Buffer[] = [];
before(async () => {
  jpegs = await Promise.all(
    ['#ff0000', '#00ff00', '#0000ff'].map((c, i) =>
      sharp({ create: { width: 32 + i * 8, height: 24, channels: 3, background: c } })
        .jpeg({ quality: 80 })
        .toBuffer(),
    ),
  );
});

/** Feeds `stream` in chunks of `size` bytes, returns every frame. */
function split(stream: Buffer, size: number, s = new JpegSplitter()): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < stream.length; i += size) out.push(...s.push(stream.subarray(i, i + size)));
  return out;
}

test('splits concatenated JPEGs exactly, whatever the chunking', () => {
  const stream = Buffer.concat(jpegs);
  for (const size of [1, 2, 3, 7, 64, 1000, stream.length]) {
    const frames = split(stream, size);
    assert.equal(frames.length, 3, `chunk ${size}`);
    frames.forEach((f, i) => assert.ok(f.equals(jpegs[i]!), `frame ${i}, chunk ${size}`));
  }
});

test('an EOI inside a segment (embedded thumbnail) does not cut the frame', () => {
  // APP1 segment whose payload contains a complete tiny "JPEG" (FFD8 ... FFD9)
  const payload = Buffer.from([0x45, 0x78, 0x69, 0x66, 0, 0, 0xff, 0xd8, 0xff, 0xd9, 0x01, 0x02]);
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1]), Buffer.from([0, payload.length + 2]), payload]);
  const j = jpegs[0]!;
  const withThumb = Buffer.concat([j.subarray(0, 2), app1, j.subarray(2)]);
  const frames = split(Buffer.concat([withThumb, jpegs[1]!]), 5);
  assert.equal(frames.length, 2);
  assert.ok(frames[0]!.equals(withThumb));
});

test('garbage between frames is skipped and counted; a broken frame is dropped and the next one found', () => {
  const garbage = Buffer.from('garbage from a hiccup \xff\x00 more');
  // a frame cut short: start of image 0, then image 1 begins
  const truncated = jpegs[0]!.subarray(0, 200);
  const stream = Buffer.concat([garbage, jpegs[0]!, truncated, jpegs[1]!, garbage, jpegs[2]!]);
  const s = new JpegSplitter();
  const frames = split(stream, 13, s);
  assert.deepEqual(
    frames.map((f) => jpegs.findIndex((j) => j.equals(f))),
    [0, 1, 2],
  );
  const st = s.stats();
  assert.equal(st.frames, 3);
  assert.equal(st.broken, 1);
  assert.ok(st.skippedBytes >= 2 * garbage.length - 2);
});

test('an oversized frame is dropped instead of buffering forever', async () => {
  const s = new JpegSplitter(500);
  const noise = Buffer.from(Array.from({ length: 64 * 64 * 3 }, (_, i) => (i * 7919) % 251));
  const big = await sharp(noise, { raw: { width: 64, height: 64, channels: 3 } })
    .jpeg()
    .toBuffer();
  assert.ok(big.length > 2000);
  const frames = split(Buffer.concat([big, Buffer.alloc(2000, 0x11)]), 100, s);
  assert.equal(frames.length, 0);
  assert.equal(s.stats().broken, 1);
  assert.ok(s.pending < 600);
});

test('LatestSlot keeps only the newest item and counts the dropped ones', () => {
  const slot = new LatestSlot<number>();
  assert.equal(slot.take(), undefined);
  slot.put(1);
  slot.put(2);
  assert.equal(slot.put(3), 2);
  assert.equal(slot.dropped, 2);
  assert.equal(slot.take(), 3);
  assert.equal(slot.full, false);
  slot.put(4);
  assert.equal(slot.take(), 4);
  assert.equal(slot.dropped, 2);
});
