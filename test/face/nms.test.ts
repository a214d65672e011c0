import { test } from 'node:test';
import assert from 'node:assert/strict';
import { iou, nms } from '../../gateway/face/nms.ts';
import type { Box } from '../../gateway/face/faceEngine.ts';

const box = (x: number, y: number, width = 10, height = 10): Box => ({ x, y, width, height });

test('iou', () => {
  const cases: [Box, Box, number][] = [
    [box(0, 0), box(0, 0), 1],
    [box(0, 0), box(20, 20), 0],
    [box(0, 0), box(5, 0), 50 / 150],
    [box(0, 0), box(0, 0, 0, 0), 0],
    [box(0, 0, 10, 10), box(0, 0, 5, 5), 25 / 100],
  ];
  for (const [a, b, want] of cases) assert.ok(Math.abs(iou(a, b) - want) < 1e-9, `${JSON.stringify([a, b])}`);
});

test('nms keeps the best of each overlapping cluster, best first', () => {
  const items = [
    { box: box(0, 0), score: 0.8, id: 'a2' },
    { box: box(1, 1), score: 0.9, id: 'a1' },
    { box: box(100, 100), score: 0.7, id: 'b' },
    { box: box(2, 0), score: 0.85, id: 'a3' },
    { box: box(30, 0), score: 0.95, id: 'c' },
  ];
  assert.deepEqual(
    nms(items, 0.4).map((i) => i.id),
    ['c', 'a1', 'b'],
  );
  assert.deepEqual(
    nms(items, 0.4, 2).map((i) => i.id),
    ['c', 'a1'],
  );
  // a threshold of 1 suppresses nothing
  assert.equal(nms(items, 1).length, 5);
  assert.deepEqual(nms([], 0.4), []);
});

test('nms: a box touching but not overlapping is kept', () => {
  const kept = nms(
    [
      { box: box(0, 0), score: 1 },
      { box: box(10, 0), score: 0.5 },
    ],
    0,
  );
  assert.equal(kept.length, 2);
});
