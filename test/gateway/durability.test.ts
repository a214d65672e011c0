import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ManualClock } from '../../kernel/clock.ts';
import { aggregatorSchema, configSchema } from '../../gateway/config/schema.ts';
import { GatewayCore } from '../../gateway/gatewayCore.ts';
import { silentLogger } from '../../kernel/log.ts';
import { LocalStore } from '../../gateway/store/localStore.ts';
import { createCentralStore } from '../../sync/aggregator/startAggregator.ts';
import type { SqliteCentralStore } from '../../sync/aggregator/sqliteCentralStore.ts';
import { tempDir } from '../helpers/tempDir.ts';

const dir = tempDir();
/** PRAGMA synchronous values. */
const FULL = 2;
const NORMAL = 1;
/** A generous bound for a busy machine: the test waits for a state, it does not time anything. */
const DEADLINE_MS = 120_000;

async function waitUntil(cond: () => boolean, what: string): Promise<void> {
  const until = Date.now() + DEADLINE_MS;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

/** Checks the synchronous mode of the daemon's connection and of the thread's that runs the checkpoint rounds. */
async function checkConnections(name: string, store: object, pipeline: object, want: number): Promise<void> {
  const cfg = configSchema.parse({
    store: { path: join(dir, `${name}.db`), checkpointEveryMs: 20, ...store },
    pipeline,
  });
  const core = new GatewayCore(cfg, new ManualClock(Date.parse('2026-03-19T08:00:00Z')), silentLogger());
  try {
    assert.equal(core.store.db.pragma('synchronous', { simple: true }), want, "the daemon's connection");
    // Rounds run on the classifier thread's connection, or (without it) on a thread of their own.
    const cp = core.checkpointer!;
    await waitUntil(() => cp.threadSynchronous !== undefined, 'a checkpoint round report');
    assert.equal(cp.threadSynchronous, want, "the checkpointing thread's connection");
  } finally {
    await core.close();
  }
}

describe('durable means durable: synchronous=FULL by default', () => {
  const cases = [
    { name: 'default, classifier thread', store: {}, pipeline: {}, want: FULL },
    { name: 'default, checkpoint thread', store: {}, pipeline: { classifierThread: false }, want: FULL },
    { name: 'store.synchronous normal', store: { synchronous: 'normal' }, pipeline: {}, want: NORMAL },
  ];
  for (const c of cases) {
    it(`gateway store (${c.name}): every connection`, () =>
      checkConnections(c.name.replace(/\W+/g, '-'), c.store, c.pipeline, c.want));
  }

  it('gateway store opened by the CLI tools (LocalStore.open)', () => {
    const s = LocalStore.open(join(dir, 'cli.db'));
    try {
      assert.equal(s.db.pragma('synchronous', { simple: true }), FULL);
    } finally {
      s.close();
    }
  });

  for (const [synchronous, want] of [
    [undefined, FULL],
    ['normal', NORMAL],
    ['full', FULL],
  ] as const) {
    it(`central SQLite store, aggregator.sqliteSynchronous ${synchronous ?? '(default)'}`, async () => {
      const cfg = aggregatorSchema.parse({
        store: 'sqlite',
        sqlitePath: join(dir, `central-${synchronous ?? 'default'}.db`),
        ...(synchronous ? { sqliteSynchronous: synchronous } : {}),
      });
      const store = createCentralStore(cfg, silentLogger()) as SqliteCentralStore;
      await store.start();
      try {
        assert.equal(store.synchronous(), want);
      } finally {
        await store.stop();
      }
    });
  }
});
