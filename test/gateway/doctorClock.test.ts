import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { daemonSkewSec, skewOf } from '../../gateway/doctor/daemonSkew.ts';
import { clockSkew } from '../../gateway/doctor/systemChecks.ts';

describe('doctor: the clock against the aggregator', () => {
  const cases: [string, number, 'ok' | 'fail', RegExp][] = [
    ['a small skew passes', 3.25, 'ok', /\+3\.3 s against the aggregator \(limit 120 s\)/],
    ['exactly at the limit passes', -120, 'ok', /-120\.0 s against the aggregator/],
    ['beyond the limit fails with the fix', 300, 'fail', /\+300\.0 s against the aggregator \(limit 120 s\)/],
    ['behind beyond the limit fails too', -121, 'fail', /-121\.0 s/],
  ];
  for (const [name, skewSec, status, detail] of cases) {
    it(name, () => {
      const r = clockSkew(null, Date.now(), { skewSec, maxSkewSec: 120 });
      assert.equal(r.status, status);
      assert.match(JSON.stringify(r), detail);
      if (status === 'fail') assert.match(JSON.stringify(r), /timedatectl set-ntp true/);
    });
  }

  it('reads the gauge from a Prometheus exposition, and none when it has no sample', () => {
    const text = [
      '# HELP hallgate_clock_skew_seconds Wall clock minus the reference clock',
      '# TYPE hallgate_clock_skew_seconds gauge',
      'hallgate_clock_skew_seconds -1.5',
      'hallgate_uptime_seconds 12',
    ].join('\n');
    assert.equal(skewOf(text), -1.5);
    assert.equal(skewOf('# TYPE hallgate_clock_skew_seconds gauge\nhallgate_uptime_seconds 12\n'), null);
  });

  it("asks the running daemon's health port, and says undefined when nothing answers there", async () => {
    const server: Server = createServer((req, res) => {
      if (req.url === '/metrics') res.end('hallgate_clock_skew_seconds 42\n');
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    after(() => server.close());
    const { port } = server.address() as AddressInfo;
    assert.equal(await daemonSkewSec('127.0.0.1', port), 42);
    server.close();
    await new Promise((r) => server.once('close', r));
    assert.equal(await daemonSkewSec('127.0.0.1', port), undefined);
  });
});
