import { request } from 'node:http';

/**
 * The clock skew a running daemon has measured against the aggregator (its
 * `hallgate_clock_skew_seconds` gauge on health.port: local wall clock minus
 * the aggregator's at the last genuine ack), in seconds. `undefined` when no
 * daemon answers there; `null` when it answers but has had no ack yet.
 */
export function daemonSkewSec(
  host: string,
  port: number,
  timeoutMs = 2000,
): Promise<number | null | undefined> {
  return new Promise((resolve) => {
    const req = request({ host, port, path: '/metrics', method: 'GET', timeout: timeoutMs }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        resolve(undefined);
        return;
      }
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(skewOf(body)));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/** The gauge's value in a Prometheus text exposition, or null when it has no sample. */
export function skewOf(metrics: string): number | null {
  const m = /^hallgate_clock_skew_seconds(?:\{[^}]*\})? (\S+)$/m.exec(metrics);
  if (!m) return null;
  const v = Number(m[1]);
  return Number.isFinite(v) ? v : null;
}
