import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Service } from '../daemon.ts';
import type { Health } from '../health.ts';
import type { GatewayMetrics } from '../metrics/gatewayMetrics.ts';
import type { Readiness } from './readiness.ts';

export interface HealthServerOptions {
  host: string;
  port: number;
}

export interface HealthServerDeps {
  health: () => Health;
  readiness: () => Readiness;
  metrics: GatewayMetrics;
  log: Logger;
}

/**
 * The daemon's health endpoints on node:http (loopback by default):
 * GET /healthz (alive: 200 while the process answers), GET /readyz (200 when
 * ready, 503 with the reasons otherwise) and GET /metrics (Prometheus text).
 * A port already taken is logged, never fatal: attendance goes on without it.
 */
export class HealthServer implements Service {
  readonly name = 'health-http';
  private server: Server | undefined;
  private boundPort: number | undefined;

  constructor(
    private readonly o: HealthServerOptions,
    private readonly deps: HealthServerDeps,
  ) {}

  /** The port it listens on (after start), e.g. when configured as 0. */
  get port(): number | undefined {
    return this.boundPort;
  }

  start(): Promise<void> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.deps.log.error({ err, url: req.url }, 'health request failed');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('internal error\n');
      });
    });
    this.server = server;
    return new Promise((resolve) => {
      server.once('error', (err) => {
        this.deps.log.error(
          { err, host: this.o.host, port: this.o.port },
          'health endpoint not served (health.host/health.port)',
        );
        this.server = undefined;
        resolve();
      });
      server.listen(this.o.port, this.o.host, () => {
        this.boundPort = (server.address() as AddressInfo).port;
        this.deps.log.info({ host: this.o.host, port: this.boundPort }, 'health endpoint listening');
        resolve();
      });
    });
  }

  stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return Promise.resolve();
    return new Promise((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    switch (path) {
      case '/healthz':
        json(res, 200, { status: 'alive', uptimeSec: this.deps.health().uptimeSec });
        return;
      case '/readyz': {
        const r = this.deps.readiness();
        json(res, r.ready ? 200 : 503, { status: r.ready ? 'ready' : 'not ready', reasons: r.reasons });
        return;
      }
      case '/metrics': {
        const body = await this.deps.metrics.render();
        res.writeHead(200, { 'content-type': this.deps.metrics.contentType }).end(body);
        return;
      }
      default:
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: /healthz, /readyz, /metrics\n');
    }
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
}
