import { z } from 'zod';
import type { CampusGateway } from '../../campus/campusStore.ts';
import type { GatewayStatusRow } from '../../aggregator/centralStore.ts';
import { authErrors, idSchema, notFound, readErrors, type ApiApp, type ApiDeps } from '../apiTypes.ts';
import { gatewaySchema } from '../schemas.ts';

const topicId = z
  .string()
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
  .max(100);

type GatewayView = z.infer<typeof gatewaySchema>;

/** The fleet: every gateway known by its status or by its hall assignment, by site then id. */
async function fleet(deps: ApiDeps): Promise<GatewayView[]> {
  const byKey = new Map<string, { assigned?: CampusGateway; status?: GatewayStatusRow }>();
  for (const g of await deps.campus.gateways()) byKey.set(`${g.site}/${g.gatewayId}`, { assigned: g });
  for (const s of await deps.central.gatewayStatuses()) {
    const k = `${s.site}/${s.gatewayId}`;
    byKey.set(k, { ...byKey.get(k), status: s });
  }
  return [...byKey.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, { assigned, status }]) => {
      const [site, gatewayId] = k.split('/') as [string, string];
      return {
        site,
        gatewayId,
        hallIds: assigned?.hallIds ?? [],
        state: status?.state ?? null,
        version: status?.version ?? null,
        lastSeen: status?.updatedAt ?? null,
        health: (status?.health as Record<string, unknown> | null | undefined) ?? null,
        appliedConfig: status?.health?.configVersions ?? null,
      };
    });
}

/** The fleet: state, last heartbeat, health, applied configuration, and the halls each gateway serves. */
export function gatewayRoutes(app: ApiApp, deps: ApiDeps): void {
  app.get(
    '/api/v1/gateways',
    {
      schema: {
        summary:
          'Every gateway: online/offline, last seen, health (outbox, clock, reader, camera, config versions)',
        tags: ['fleet'],
        response: { 200: z.array(gatewaySchema), ...readErrors },
      },
    },
    async () => fleet(deps),
  );
  app.get(
    '/api/v1/gateways/:site/:id',
    {
      schema: {
        summary: 'One gateway',
        tags: ['fleet'],
        params: z.object({ site: topicId, id: topicId }),
        response: { 200: gatewaySchema, ...readErrors },
      },
    },
    async (req, reply) =>
      (await fleet(deps)).find((g) => g.site === req.params.site && g.gatewayId === req.params.id) ??
      reply.code(404).send(notFound('gateway')),
  );
  app.put(
    '/api/v1/gateways/:site/:id/halls',
    {
      schema: {
        summary:
          "Set the halls a gateway serves (republishes what it receives: its halls' sessions and students)",
        tags: ['fleet', 'config'],
        params: z.object({ site: topicId, id: topicId }),
        body: z.object({ hallIds: z.array(idSchema).min(1).max(50) }),
        response: { 200: gatewaySchema.pick({ site: true, gatewayId: true, hallIds: true }), ...authErrors },
      },
    },
    async (req) => {
      const g = {
        site: req.params.site,
        gatewayId: req.params.id,
        hallIds: [...new Set(req.body.hallIds)].sort(),
      };
      await deps.campus.upsertGateway(g);
      await deps.publisher?.publish(['roster', 'enrolments', 'timetable', 'thresholds', 'decisions']);
      return g;
    },
  );
}
