import { z } from 'zod';
import { IMPORT_KINDS, type ImportKind } from '../../../gateway/importer/importData.ts';
import { importCampus } from '../../campus/campusImport.ts';
import type { ConfigKind } from '../../topics.ts';
import { authErrors, type ApiApp, type ApiDeps } from '../apiTypes.ts';
import { importReportSchema } from '../schemas.ts';

/** What each import changes in the configuration gateways receive. */
const PUBLISHES: Record<ImportKind, ConfigKind[]> = {
  roster: ['roster'],
  enrolments: ['enrolments', 'roster', 'decisions'],
  timetable: ['timetable', 'enrolments', 'roster', 'decisions'],
  courses: ['thresholds'],
};

/** Central imports: CSV (text/csv) or JSON (an array of objects), row-level errors, good rows kept. */
export function importRoutes(app: ApiApp, deps: ApiDeps): void {
  app.post(
    '/api/v1/imports/:kind',
    {
      bodyLimit: 64 * 1024 * 1024,
      schema: {
        summary: 'Import roster, enrolments, timetable or courses (CSV or JSON); publishes to the gateways',
        tags: ['imports'],
        params: z.object({ kind: z.enum(IMPORT_KINDS as [ImportKind, ...ImportKind[]]) }),
        body: z.union([z.string().min(1, 'empty upload'), z.array(z.record(z.string(), z.unknown()))]),
        response: { 200: importReportSchema, ...authErrors },
      },
    },
    async (req) => {
      const json = typeof req.body !== 'string';
      const text = json ? JSON.stringify(req.body) : (req.body as string);
      const report = await importCampus(
        deps.campus,
        req.params.kind,
        text,
        json ? 'upload.json' : 'upload.csv',
      );
      if (report.imported > 0) {
        deps.bus.publish({ type: 'campus', data: { change: req.params.kind } });
        await deps.publisher?.publish(PUBLISHES[req.params.kind]);
      }
      return report;
    },
  );
}
