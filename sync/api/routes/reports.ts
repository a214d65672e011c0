import { Readable } from 'node:stream';
import { z } from 'zod';
import { courseRegisterOf, sessionRegisterOf, type CourseRegister } from '../../campus/campusQueries.ts';
import { streamRegisterPdf } from '../../campus/registerPdf.ts';
import { courseRegisterTable, sessionRegisterTable, withNames } from '../../campus/registerTables.ts';
import { REPORT_KINDS } from '../../reports/buildReports.ts';
import { toCsv } from '../../reports/csvExport.ts';
import { toPdf } from '../../reports/pdfExport.ts';
import { reportsFromStore } from '../../reports/reportsFromStore.ts';
import type { ReportTable } from '../../reports/reportTable.ts';
import { toWorkbook } from '../../reports/xlsxExport.ts';
import { REPORT_TITLE } from '../../reports/writeReports.ts';
import {
  campusContext,
  daySchema,
  idSchema,
  notFound,
  readErrors,
  type ApiApp,
  type ApiDeps,
} from '../apiTypes.ts';

const REGISTER_REPORTS = ['course-register', 'session-register'] as const;
const NAMES = [...REPORT_KINDS, ...REGISTER_REPORTS] as const;
type Format = 'json' | 'csv' | 'xlsx' | 'pdf';
const MIME: Record<Format, string> = {
  json: 'application/json',
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
};

const reportQuery = z
  .object({
    from: daySchema.optional(),
    to: daySchema.optional(),
    format: z.enum(['json', 'csv', 'xlsx', 'pdf']).default('json'),
    course: idSchema.optional(),
    session: idSchema.optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'from must not be after to', path: ['to'] });

/** The five seed analytics (with names) and the registers, as JSON, CSV, Excel or PDF. */
export function reportRoutes(app: ApiApp, deps: ApiDeps): void {
  app.get(
    '/api/v1/reports',
    {
      schema: {
        summary: 'Report names',
        tags: ['reports'],
        response: { 200: z.array(z.string()), ...readErrors },
      },
    },
    () => Promise.resolve([...NAMES]),
  );
  app.get(
    '/api/v1/reports/:name',
    {
      schema: {
        summary:
          'One report over [from, to] as json, csv, xlsx or pdf; course-register without course: every course, streamed',
        tags: ['reports'],
        params: z.object({ name: z.enum(NAMES) }),
        querystring: reportQuery,
        response: { 200: z.any(), ...readErrors },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const now = deps.clock.now();
      const range = {
        from: q.from ?? deps.site.dayOf(now - 27 * 86_400_000),
        to: q.to ?? deps.site.dayOf(now),
      };
      const ctx = campusContext(deps);
      const name = req.params.name;
      const send = (body: unknown, ext: string) =>
        reply
          .header('content-type', MIME[q.format])
          .header('content-disposition', `attachment; filename="${name}_${range.from}_${range.to}.${ext}"`)
          .send(body);
      if (name === 'session-register') {
        if (!q.session)
          return reply.code(400).send({
            statusCode: 400,
            error: 'Bad Request',
            message: 'query.session: required for session-register',
            field: 'query.session',
            reason: 'required for session-register',
          });
        const reg = await sessionRegisterOf(ctx, q.session);
        if (!reg) return reply.code(404).send(notFound('session'));
        if (q.format === 'json') return reg;
        return send(await render([sessionRegisterTable(reg)], q.format, range), q.format);
      }
      if (name === 'course-register') {
        const ids = q.course ? [q.course] : (await deps.campus.courses()).map((c) => c.courseId);
        if (q.course && !(await deps.campus.course(q.course)))
          return reply.code(404).send(notFound('course'));
        const regs = registersOf(ctx, ids, range);
        if (q.format === 'pdf') return send(streamRegisterPdf(regs, { title: 'Course register' }), 'pdf');
        if (q.format === 'csv') return send(Readable.from(csvOf(regs)), 'csv');
        const all: CourseRegister[] = [];
        for await (const r of regs) all.push(r);
        if (q.format === 'json') return all;
        return send(await render(all.map(courseRegisterTable), q.format, range), q.format);
      }
      const tables = await reportsFromStore(deps.central, [name], range, { site: deps.site });
      const names = new Map(
        (await deps.campus.students({ limit: 1_000_000 })).map((s) => [s.studentId, s.name]),
      );
      const named = tables.map((t) => withNames(t, names));
      if (q.format === 'json') return { from: range.from, to: range.to, tables: named };
      return send(await render(named, q.format, range), q.format);
    },
  );
}

async function* registersOf(
  ctx: ReturnType<typeof campusContext>,
  courseIds: readonly string[],
  range: { from: string; to: string },
): AsyncGenerator<CourseRegister> {
  for (const id of courseIds) {
    const reg = await courseRegisterOf(ctx, id, range.from, range.to);
    if (reg) yield reg;
  }
}

/** CSV of course registers, one table after another (blank line between), produced one course at a time. */
async function* csvOf(regs: AsyncIterable<CourseRegister>): AsyncGenerator<string> {
  let first = true;
  for await (const r of regs) {
    if (!first) yield '\r\n';
    first = false;
    yield toCsv(courseRegisterTable(r));
  }
}

async function render(
  tables: ReportTable[],
  format: Exclude<Format, 'json'>,
  range: { from: string; to: string },
): Promise<Buffer | string> {
  switch (format) {
    case 'csv':
      return tables.map(toCsv).join('\r\n');
    case 'xlsx':
      return Buffer.from(await toWorkbook(tables, { title: REPORT_TITLE }).xlsx.writeBuffer());
    case 'pdf':
      return toPdf(tables, { title: REPORT_TITLE, range });
  }
}
