import { readFileSync } from 'node:fs';
import { HallgateError } from '../../kernel/errors.ts';
import { csvLines } from './csvLines.ts';

/** One input row with the line it came from (1-based; header is line 1 in CSV). */
export interface SourceRow {
  line: number;
  fields: Record<string, unknown>;
  /** Why the line could not be read as CSV (a quote problem): the row is reported, the rest kept. */
  error?: string;
}

/** The rows of a file and, for CSV, the columns its header names (normalised). */
export interface SourceRows {
  columns: string[] | null;
  rows: SourceRow[];
}

/** Normalises a column name: `Student ID`, `student_id`, `studentId` -> `studentid`. */
export function normaliseKey(k: string): string {
  return k.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * Reads a CSV (with a header row) or JSON (array of objects) file into rows
 * with normalised keys. A file that cannot be read or parsed at all is a
 * HallgateError; a bad row (a quote problem on its line included) is left
 * for the importer to report.
 */
export function readRows(file: string): SourceRows {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new HallgateError('IMPORT_UNREADABLE', `cannot read ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return rowsFromText(text, file);
}

/** Rows of CSV or JSON text already in memory (an upload); `name` labels errors and picks JSON by `.json`. */
export function rowsFromText(text: string, name: string): SourceRows {
  if (name.toLowerCase().endsWith('.json') || /^\s*[[{]/.test(text))
    return { columns: null, rows: readJson(text, name) };
  return readCsv(text, name);
}

function readJson(text: string, file: string): SourceRow[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new HallgateError('IMPORT_PARSE', `${file}: not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(doc))
    throw new HallgateError('IMPORT_PARSE', `${file}: expected a JSON array of objects`);
  return doc.map((item: unknown, i) => {
    const fields: Record<string, unknown> = {};
    if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
      for (const [k, v] of Object.entries(item)) fields[normaliseKey(k)] = v;
    }
    return { line: i + 1, fields };
  });
}

function readCsv(text: string, file: string): SourceRows {
  const [header, ...body] = csvLines(text);
  if (!header) return { columns: [], rows: [] };
  if ('error' in header)
    throw new HallgateError(
      'IMPORT_PARSE',
      `${file}:${header.line}: header is not valid CSV: ${header.error}`,
    );
  const keys = header.fields.map(normaliseKey);
  const rows = body.map((r): SourceRow => {
    if ('error' in r) return { line: r.line, fields: {}, error: r.error };
    const fields: Record<string, unknown> = {};
    keys.forEach((k, i) => {
      const v = r.fields[i];
      if (v !== undefined && v !== '') fields[k] = v;
    });
    if (r.fields.length > keys.length) fields.__extra = r.fields.slice(keys.length);
    return { line: r.line, fields };
  });
  return { columns: keys, rows };
}
