import { z } from 'zod';
import { authErrors, readErrors, type ApiApp, type ApiDeps } from '../apiTypes.ts';
import { thresholdsBody } from '../schemas.ts';

const thresholdsView = z.object({
  site: z.record(z.string(), z.unknown()),
  courses: z.record(z.string(), z.record(z.string(), z.unknown())),
});

/** Site thresholds (per-course ones live on the course) and published configuration versions. */
export function configRoutes(app: ApiApp, deps: ApiDeps): void {
  const view = async () => ({
    site: await deps.campus.siteThresholds(),
    courses: Object.fromEntries(
      (await deps.campus.courses())
        .filter((c) => Object.keys(c.thresholds).length > 0)
        .map((c) => [c.courseId, c.thresholds]),
    ),
  });
  app.get(
    '/api/v1/config/thresholds',
    {
      schema: {
        summary: 'Site-wide threshold overrides and per-course overrides',
        tags: ['config'],
        response: { 200: thresholdsView, ...readErrors },
      },
    },
    view,
  );
  app.put(
    '/api/v1/config/thresholds',
    {
      schema: {
        summary: 'Replace the site-wide threshold overrides (publishes a new thresholds version)',
        tags: ['config'],
        body: thresholdsBody,
        response: { 200: thresholdsView, ...authErrors },
      },
    },
    async (req) => {
      await deps.campus.putSiteThresholds(req.body);
      await deps.publisher?.publish(['thresholds']);
      return view();
    },
  );
  app.get(
    '/api/v1/config/versions',
    {
      schema: {
        summary: 'Latest published version of each configuration kind',
        tags: ['config'],
        response: { 200: z.record(z.string(), z.number()), ...readErrors },
      },
    },
    async () => deps.campus.configVersions(),
  );
}
