// SSE under load: the central API (startApi on SQLite stores, as the aggregator runs it) with
// C live-stream clients (in a child process, so reading does not share the server's thread)
// while batches of swipes are written centrally at R events/s for S seconds. Each swipe's ts is
// its batch's creation time; a client's lag for an event is its arrival time minus that ts
// (store write + bus + HTTP). Prints lag p50/p99/max over every client and event, the worst
// client's p99, and events delivered/expected. Figures only; nothing fails on a time.
// Usage: node --import tsx bench/sse.ts [--clients 100] [--rate 1000] [--seconds 10] [--batch 50]
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { configSchema } from '../gateway/config/schema.ts';
import { systemClock } from '../kernel/clock.ts';
import { createLogger } from '../kernel/log.ts';
import { SqliteCentralStore } from '../sync/aggregator/sqliteCentralStore.ts';
import { hashToken } from '../sync/api/auth.ts';
import { startApi } from '../sync/api/startApi.ts';
import { SqliteCampusStore } from '../sync/campus/sqliteCampusStore.ts';
import type { EventPayload } from '../sync/schema.ts';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '100' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '10' },
    batch: { type: 'string', default: '50' },
    client: { type: 'string' },
  },
});
const TOKEN = 'bench-sse-viewer-token';

if (values.client) await runClients(values.client, Number(values.clients));
else await runServer();

/** Child: opens the clients, records each swipe's lag, reports percentiles on 'stop'. */
async function runClients(url: string, n: number): Promise<void> {
  const lags: number[][] = Array.from({ length: n }, () => []);
  let dropped = 0;
  await Promise.all(
    lags.map(
      (mine) =>
        new Promise<void>((ready, fail) => {
          const req = request(`${url}/api/v1/events/stream?types=swipe&access_token=${TOKEN}`, (res) => {
            res.setEncoding('utf8');
            let buf = '';
            res.on('data', (c: string) => {
              if (buf === '' && c.startsWith(': hallgate')) ready();
              const frames = (buf + c).split('\n\n');
              buf = frames.pop() ?? '';
              const now = Date.now();
              for (const f of frames) {
                const i = f.indexOf('"ts":');
                if (i >= 0) mine.push(now - Number.parseInt(f.slice(i + 5), 10));
              }
            });
            res.on('end', () => dropped++);
          });
          req.on('error', fail);
          req.end();
        }),
    ),
  );
  process.send!({ ready: true });
  process.on('message', () => {
    const all = lags.flat().sort((a, b) => a - b);
    const q = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN;
    const worstP99 = Math.max(
      ...lags.map((l) =>
        q(
          [...l].sort((a, b) => a - b),
          0.99,
        ),
      ),
    );
    process.send!({
      dropped,
      received: all.length,
      p50: q(all, 0.5),
      p99: q(all, 0.99),
      max: all.at(-1),
      worstP99,
    });
    process.exit(0);
  });
}

async function runServer(): Promise<void> {
  const clients = Number(values.clients);
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  const size = Number(values.batch);
  const dir = mkdtempSync(join(tmpdir(), 'hallgate-bench-sse-'));
  const central = new SqliteCentralStore(join(dir, 'central.db'));
  const campus = new SqliteCampusStore(join(dir, 'central.db'));
  await central.start();
  await campus.start();
  const cfg = configSchema.parse({
    aggregator: {
      http: { port: 0 },
      api: { tokens: [{ name: 'b', role: 'viewer', sha256: hashToken(TOKEN) }] },
    },
  }).aggregator;
  const log = createLogger({ level: 'silent' });
  const api = await startApi(cfg, { campus, central, log, clock: systemClock });
  const child = fork(import.meta.filename, ['--client', api.url!, '--clients', String(clients)], {
    execArgv: ['--import', 'tsx'],
  });
  const fromChild = () =>
    new Promise<Record<string, number>>((r) => child.once('message', (m) => r(m as never)));
  await fromChild(); // every client is connected

  const batches = Math.round((rate * seconds) / size);
  const everyMs = (1000 * size) / rate;
  const t0 = performance.now();
  let written = 0;
  for (let i = 0; i < batches; i++) {
    const wait = t0 + i * everyMs - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const ts = Date.now();
    const events: EventPayload[] = Array.from({ length: size }, (_, k) => ({
      eventId: `b${i}-e${k}`,
      source: 'rfid',
      studentId: `S${k}`,
      rawId: `CARD${k}`,
      gateId: 'G1',
      hallId: 'HALL-A',
      direction: 'enter',
      ts,
      day: new Date(ts).toISOString().slice(0, 10),
      lectureId: 'CS101',
    }));
    await central.writeBatch({
      site: 'campus',
      gatewayId: 'gw-1',
      batchId: `b${i}`,
      receivedAt: ts,
      events,
      records: [],
      invalid: [],
      hll: [],
      deadLetters: [],
    });
    written += size;
  }
  const achieved = written / ((performance.now() - t0) / 1000);
  await new Promise((r) => setTimeout(r, 2000)); // let the last frames arrive
  const reply = fromChild();
  child.send('stop');
  const r = await reply;
  console.log(
    `SSE under load: ${clients} clients, ${rate} events/s asked (${achieved.toFixed(0)} written/s), ${seconds} s`,
  );
  console.log(
    `  delivered       ${r.received} of ${written * clients} (clients dropped by the server: ${r.dropped})`,
  );
  console.log(`  lag p50 / p99   ${r.p50} ms / ${r.p99} ms (max ${r.max} ms)`);
  console.log(`  worst client p99 ${r.worstP99} ms`);
  await api.stop();
  await central.stop();
  await campus.stop();
  rmSync(dir, { recursive: true, force: true });
}
