import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { after, describe, it } from 'node:test';
import { silentLogger } from '../../kernel/log.ts';
import { buildApi } from '../../sync/api/buildApi.ts';
import { AtRiskWatcher } from '../../sync/campus/atRiskWatcher.ts';
import { signWebhook, WebhookDispatcher, type Scheduler } from '../../sync/campus/webhookDispatcher.ts';
import { ADMIN, apiDeps, NOW, seedCampus, sqliteStores } from '../api/fixtures.ts';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Timers the test fires by hand. */
class ManualScheduler implements Scheduler {
  timers: { ms: number; fn: () => void }[] = [];
  after(ms: number, fn: () => void): () => void {
    const t = { ms, fn };
    this.timers.push(t);
    return () => (this.timers = this.timers.filter((x) => x !== t));
  }
}

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

describe('at-risk changes posted to a webhook', () => {
  it('signs each change, retries with backoff while the receiver is down, delivers once it is up', async () => {
    const stores = await sqliteStores();
    after(() => stores.cleanup());
    await seedCampus(stores);
    const deps = apiDeps(stores);
    const port = await freePort();
    const scheduler = new ManualScheduler();
    const webhook = new WebhookDispatcher(
      {
        url: `http://127.0.0.1:${port}/hook`,
        secret: 'hush',
        maxAttempts: 5,
        initialBackoffMs: 1000,
        maxBackoffMs: 60_000,
      },
      { campus: stores.campus, clock: deps.clock, scheduler, log: silentLogger() },
    );
    after(() => webhook.stop());
    const ctx = {
      campus: stores.campus,
      central: stores.central,
      clock: deps.clock,
      atRiskDefault: deps.atRiskDefault,
    };
    const watcher = new AtRiskWatcher(ctx, { webhook, log: silentLogger() });

    // Receiver down: S2 (1/3) and S3 (0/3) become at risk; both deliveries fail and wait 1 s.
    await watcher.check(['CS101']);
    let pending = await stores.campus.deliveries('pending');
    assert.equal(pending.length, 2);
    for (const d of pending) {
      assert.equal(d.attempts, 1);
      assert.equal(d.lastError, 'ECONNREFUSED');
      assert.equal(d.nextAttemptAt, NOW + 1000);
    }
    assert.deepEqual(
      scheduler.timers.map((t) => t.ms),
      [1000],
    );
    // Still down at the second attempt: the wait doubles.
    deps.clock.advance(1000);
    scheduler.timers[0]!.fn();
    await webhook.runDue();
    pending = await stores.campus.deliveries('pending');
    assert.deepEqual(
      pending.map((d) => [d.attempts, d.nextAttemptAt]),
      [
        [2, NOW + 3000],
        [2, NOW + 3000],
      ],
    );

    // The receiver comes up on that port.
    const received: Received[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    after(() => server.close());
    deps.clock.advance(2000);
    scheduler.timers.at(-1)!.fn();
    await webhook.runDue();

    assert.equal(received.length, 2);
    for (const r of received) {
      const ts = String(r.headers['x-hallgate-timestamp']);
      assert.equal(r.headers['x-hallgate-signature'], signWebhook('hush', ts, r.body));
      assert.equal(r.headers['x-hallgate-event'], 'at-risk.changed');
    }
    assert.deepEqual(
      received
        .map((r) => JSON.parse(r.body) as unknown)
        .sort((a, b) =>
          (a as { studentId: string }).studentId < (b as { studentId: string }).studentId ? -1 : 1,
        ),
      [
        {
          event: 'at-risk.changed',
          courseId: 'CS101',
          studentId: 'S2',
          name: 'Bob Byte',
          atRisk: true,
          rate: 0.3333,
          policy: { sessions: 3, threshold: 0.75 },
          sessionIds: ['CS101-1', 'CS101-2', 'CS101-3'],
          at: NOW,
        },
        {
          event: 'at-risk.changed',
          courseId: 'CS101',
          studentId: 'S3',
          name: 'Cy Cipher',
          atRisk: true,
          rate: 0,
          policy: { sessions: 3, threshold: 0.75 },
          sessionIds: ['CS101-1', 'CS101-2', 'CS101-3'],
          at: NOW,
        },
      ],
    );
    assert.deepEqual(
      (await stores.campus.deliveries('delivered')).map((d) => d.attempts),
      [3, 3],
    );

    // No change, no post; an excuse lifts S2 out of risk: one more post, delivered at once.
    await watcher.check(['CS101']);
    assert.equal(received.length, 2);
    await stores.campus.addExcuse({
      studentId: 'S2',
      sessionId: null,
      fromDay: '2026-03-17',
      toDay: '2026-03-18',
      reason: 'flu',
      author: 'ann',
      createdAt: NOW,
    });
    await watcher.check(['CS101']);
    assert.equal(received.length, 3);
    const lifted = JSON.parse(received[2]!.body) as { studentId: string; atRisk: boolean; rate: number };
    assert.deepEqual([lifted.studentId, lifted.atRisk, lifted.rate], ['S2', false, 1]);

    // The delivery state is visible through the API.
    const app = await buildApi(deps);
    after(() => app.close());
    const r = await app.inject({
      method: 'GET',
      url: '/api/v1/webhook/deliveries?state=delivered',
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    assert.equal((JSON.parse(r.body) as unknown[]).length, 3);
  });

  it('gives up after maxAttempts: the delivery is failed with its last error', async () => {
    const stores = await sqliteStores();
    after(() => stores.cleanup());
    const deps = apiDeps(stores);
    const port = await freePort();
    const scheduler = new ManualScheduler();
    const webhook = new WebhookDispatcher(
      {
        url: `http://127.0.0.1:${port}/`,
        secret: 'k',
        maxAttempts: 2,
        initialBackoffMs: 500,
        maxBackoffMs: 500,
      },
      { campus: stores.campus, clock: deps.clock, scheduler, log: silentLogger() },
    );
    await webhook.enqueue('d1', 'at-risk.changed', '{}');
    deps.clock.advance(500);
    await webhook.runDue();
    const [d] = await stores.campus.deliveries();
    assert.deepEqual(
      [d!.state, d!.attempts, d!.nextAttemptAt, d!.lastError],
      ['failed', 2, null, 'ECONNREFUSED'],
    );
    webhook.stop();
  });
});
