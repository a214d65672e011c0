import { existsSync } from 'node:fs';
import { HallgateError } from '../../kernel/errors.ts';
import { SiteTime } from '../../kernel/siteTime.ts';
import { createLogger } from '../../kernel/log.ts';
import { createCentralStore, startCentralStore } from '../../sync/aggregator/startAggregator.ts';
import {
  isReportKind,
  REPORT_KINDS,
  type ReportKind,
  type ReportOptions,
} from '../../sync/reports/buildReports.ts';
import { parseDayRange } from '../../sync/reports/dayRange.ts';
import { cellText } from '../../sync/reports/reportTable.ts';
import { reportsFromStore } from '../../sync/reports/reportsFromStore.ts';
import { writeReports, type FileFormat } from '../../sync/reports/writeReports.ts';
import type { Command } from './command.ts';
import { configFrom, parse, table } from './options.ts';

const FORMATS = ['table', 'csv', 'xlsx', 'pdf'] as const;

export const reportCommand: Command = {
  name: 'report',
  summary:
    'central reports (latecomers, weekdays, rankings, consistency, invalid) as a table, CSV, Excel or PDF',
  usage: `hallgate report latecomers|weekdays|rankings|consistency|invalid|all --from YYYY-MM-DD --to YYYY-MM-DD
                [--format table|csv|xlsx|pdf] [--out DIR] [--config FILE]
                [--threshold 0.8] [--min-sessions 3] [--min-late 1] [--rank-by rate|unique]
Reads the central store of the configuration (aggregator.store: 'sqlite' at
aggregator.sqlitePath, or 'cassandra') over the UTC days --from..--to
(inclusive) and prints the report as a text table (default), or writes it to
--out (default '.'): csv = one file per table, xlsx = one workbook with a sheet
per table, pdf = one document. --threshold and --min-sessions set the
consistency report, --min-late the latecomers report, --rank-by the rankings.
Definitions: docs/reports.md.`,
  async run(argv) {
    const { values, positionals } = parse(
      argv,
      {
        config: { type: 'string', short: 'c' },
        from: { type: 'string' },
        to: { type: 'string' },
        format: { type: 'string', default: 'table' },
        out: { type: 'string', default: '.' },
        threshold: { type: 'string' },
        'min-sessions': { type: 'string' },
        'min-late': { type: 'string' },
        'rank-by': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      true,
    );
    if (values.help) {
      console.log(this.usage);
      return 0;
    }
    const kinds = kindsOf(positionals);
    const range = parseDayRange(values.from, values.to);
    const format = values.format;
    if (!(FORMATS as readonly string[]).includes(format)) {
      throw new HallgateError('USAGE', `--format must be one of ${FORMATS.join(', ')}, got '${format}'`);
    }
    const opts = reportOptions(values);
    const cfg = configFrom(values);
    if (cfg.aggregator.store === 'sqlite' && !existsSync(cfg.aggregator.sqlitePath)) {
      throw new HallgateError(
        'CENTRAL_STORE_UNAVAILABLE',
        `no central store at ${cfg.aggregator.sqlitePath} (aggregator.sqlitePath)`,
      );
    }
    const log = createLogger({ level: process.env.LOG_LEVEL ?? cfg.log.level });
    const store = createCentralStore(cfg.aggregator, log);
    await startCentralStore(store, cfg.aggregator);
    try {
      const tables = await reportsFromStore(store, kinds, range, {
        ...opts,
        site: new SiteTime(cfg.site.timeZone),
      });
      if (format === 'table') {
        for (const t of tables) {
          console.log(`${t.title} (${range.from} to ${range.to})\n${t.description}\n`);
          console.log(
            table(
              t.columns.map((c) => c.header),
              t.rows.map((r) => t.columns.map((c) => cellText(r[c.key] ?? null))),
            ),
          );
          console.log(`${t.rows.length} row(s)\n`);
        }
      } else {
        const paths = await writeReports(tables, { format: format as FileFormat, outDir: values.out, range });
        for (const p of paths) console.log(p);
      }
      return 0;
    } finally {
      await store.stop();
    }
  },
};

function kindsOf(positionals: string[]): ReportKind[] {
  const [kind, ...extra] = positionals;
  if (kind === undefined || extra.length > 0) {
    throw new HallgateError('USAGE', `name one report: ${REPORT_KINDS.join(', ')} or all`);
  }
  if (kind === 'all') return [...REPORT_KINDS];
  if (!isReportKind(kind)) {
    throw new HallgateError('USAGE', `unknown report '${kind}' (${REPORT_KINDS.join(', ')} or all)`);
  }
  return [kind];
}

function reportOptions(v: {
  threshold?: string | undefined;
  'min-sessions'?: string | undefined;
  'min-late'?: string | undefined;
  'rank-by'?: string | undefined;
}): ReportOptions {
  const opts: ReportOptions = {};
  if (v.threshold !== undefined) opts.threshold = num('--threshold', v.threshold, 0, 1, false);
  if (v['min-sessions'] !== undefined)
    opts.minSessions = num('--min-sessions', v['min-sessions'], 1, 1e6, true);
  if (v['min-late'] !== undefined) opts.minLate = num('--min-late', v['min-late'], 1, 1e6, true);
  const rankBy = v['rank-by'];
  if (rankBy !== undefined) {
    if (rankBy !== 'rate' && rankBy !== 'unique') {
      throw new HallgateError('USAGE', `--rank-by must be rate or unique, got '${rankBy}'`);
    }
    opts.rankBy = rankBy;
  }
  return opts;
}

function num(name: string, s: string, min: number, max: number, integer: boolean): number {
  const n = Number(s);
  if (s.trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new HallgateError(
      'USAGE',
      `${name} must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got '${s}'`,
    );
  }
  return n;
}
