import type { ChildProcess } from 'node:child_process';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { hashToken } from '../../sync/api/auth.ts';
import { startCli } from '../helpers/cli.ts';
import { Mosquitto } from '../helpers/mosquitto.ts';
import { tempDir } from '../helpers/tempDir.ts';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((r) => child.once('exit', (code) => r(code)));

describe('serving the API from the CLI', () => {
  it('hallgate demo --serve prints the console line and keeps serving the simulated day until SIGINT', async () => {
    const port = await freePort();
    const demo = await startCli(
      ['demo', '--duration', '2', '--students', '20', '--quiet', '--serve', '--http-port', String(port)],
      /serving the API at/,
      {},
      120_000,
    );
    after(() => demo.child.kill('SIGKILL'));
    const line = new RegExp(`^http://127\\.0\\.0\\.1:${port}/#token=([A-Za-z0-9_-]{20,})$`, 'm').exec(
      demo.output(),
    );
    assert.ok(line, demo.output());
    const auth = { authorization: `Bearer ${line[1]}` };
    const base = `http://127.0.0.1:${port}`;
    const day = new Date().toISOString().slice(0, 10);
    const sessions = (await (
      await fetch(`${base}/api/v1/sessions?date=${day}`, { headers: auth })
    ).json()) as {
      sessionId: string;
    }[];
    assert.equal(sessions.length, 4);
    const reg = (await (
      await fetch(`${base}/api/v1/sessions/${sessions[0]!.sessionId}/register`, { headers: auth })
    ).json()) as { rows: { name: string; status: string }[] };
    assert.ok(reg.rows.length > 0);
    assert.ok(
      reg.rows.every((r) => r.name.length > 0 && r.status !== 'pending'),
      JSON.stringify(reg.rows),
    );
    assert.equal((await fetch(`${base}/api/v1/courses`)).status, 401);
    const exit = exitOf(demo.child);
    demo.child.kill('SIGINT');
    assert.equal(await exit, 0);
  });

  it('hallgate aggregator serves on aggregator.http.host/port with the configured tokens', async () => {
    const dir = tempDir();
    const broker = await Mosquitto.start();
    after(() => broker.close());
    const port = await freePort();
    const cfg = join(dir, 'agg.yaml');
    writeFileSync(
      cfg,
      [
        `mqtt: { url: "${broker.url}" }`,
        'aggregator:',
        `  sqlitePath: ${join(dir, 'central.db')}`,
        `  http: { host: 127.0.0.1, port: ${port} }`,
        `  api: { tokens: [{ name: ops, role: viewer, sha256: ${hashToken('s3cret-viewer')} }] }`,
      ].join('\n'),
    );
    const agg = await startCli(['aggregator', '--config', cfg], /aggregator running/, { LOG_LEVEL: 'info' });
    after(() => agg.child.kill('SIGKILL'));
    const base = `http://127.0.0.1:${port}`;
    assert.deepEqual(await (await fetch(`${base}/healthz`)).json(), { status: 'ok' });
    const viewer = { authorization: 'Bearer s3cret-viewer' };
    assert.deepEqual(await (await fetch(`${base}/api/v1/halls`, { headers: viewer })).json(), []);
    const put = await fetch(`${base}/api/v1/config/thresholds`, {
      method: 'PUT',
      headers: { ...viewer, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(put.status, 403);
    const exit = exitOf(agg.child);
    agg.child.kill('SIGTERM');
    assert.equal(await exit, 0);
  });
});
