import { z } from 'zod';
import { readErrors, type ApiApp } from '../apiTypes.ts';

/** Who the token is: the web console shows write controls to admins only. */
export function meRoutes(app: ApiApp): void {
  app.get(
    '/api/v1/me',
    {
      schema: {
        summary: "The presented token's name and role (admin: reads and writes; viewer: reads only)",
        tags: ['auth'],
        response: { 200: z.object({ name: z.string(), role: z.enum(['admin', 'viewer']) }), ...readErrors },
      },
    },
    (req) => Promise.resolve({ name: req.apiToken?.name ?? '', role: req.apiToken?.role ?? 'viewer' }),
  );
}
