import { z } from 'zod';
import { readErrors, type ApiApp, type ApiDeps } from '../apiTypes.ts';
import type { ApiEvent } from '../eventBus.ts';

/**
 * GET /api/v1/events/stream: server-sent events of swipes and records as they
 * arrive centrally, gateway state changes, new review items and campus changes
 * (`event: <type>`, `data: <json>`), with a keep-alive comment. A client that
 * cannot keep up (its socket buffer over 1 MiB) is dropped rather than buffered.
 */
export function eventRoutes(app: ApiApp, deps: ApiDeps): void {
  const open = new Set<() => void>();
  // Streams never end by themselves: close them so the server can stop.
  app.addHook('preClose', (done) => {
    for (const close of [...open]) close();
    done();
  });
  app.get(
    '/api/v1/events/stream',
    {
      schema: {
        summary: 'Live events (text/event-stream): swipe, record, review, gateway, invalid, campus',
        tags: ['live'],
        querystring: z.object({
          access_token: z.string().optional().describe('For EventSource, which cannot send headers'),
          types: z
            .string()
            .regex(/^[a-z,]+$/, 'comma-separated event types')
            .optional(),
        }),
        response: { 200: z.any(), ...readErrors },
      },
    },
    (req, reply) => {
      const wanted = req.query.types ? new Set(req.query.types.split(',')) : null;
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-content-type-options': 'nosniff',
        'x-accel-buffering': 'no',
      });
      res.write(': hallgate events\n\n');
      const close = () => {
        open.delete(close);
        deps.bus.off('event', onEvent);
        clearInterval(keepAlive);
        res.end();
      };
      const onEvent = (e: ApiEvent) => {
        if (wanted && !wanted.has(e.type)) return;
        if (res.writableLength > 1024 * 1024) return close();
        res.write(`event: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`);
      };
      const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), deps.sseKeepAliveMs ?? 15_000);
      keepAlive.unref();
      deps.bus.on('event', onEvent);
      open.add(close);
      req.raw.on('close', close);
    },
  );
}
