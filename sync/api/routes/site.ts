import { z } from 'zod';
import { readErrors, type ApiApp, type ApiDeps } from '../apiTypes.ts';

const siteSchema = z.object({
  timeZone: z
    .string()
    .describe("The site's IANA time zone: every day, weekday and clock time is local to it"),
  today: z.string().describe("The site's local day now ('YYYY-MM-DD')"),
  now: z.number().int().describe('The server clock (ms since the epoch)'),
});

/** The site's clock, so the console formats days and times in the site's zone, not the browser's. */
export function siteRoutes(app: ApiApp, deps: ApiDeps): void {
  app.get(
    '/api/v1/site',
    {
      schema: {
        summary: "The site's time zone and local day (any valid token)",
        tags: ['site'],
        response: { 200: siteSchema, ...readErrors },
      },
    },
    () => {
      const now = deps.clock.now();
      return Promise.resolve({ timeZone: deps.site.zone, today: deps.site.dayOf(now), now });
    },
  );
}
