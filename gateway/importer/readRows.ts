import { readFileSync } from 'node:fs';
import { parse as parseCsv } from 'csv-parse/sync';
import { HallgateError } from '../errors.ts';

/** One input row with the line it came from (1-based; header is line 1 in CSV). */
export interface SourceRow {
  line: number;
  fields: Record<string, unknown>;
}

/** Normalises a column name: `Student ID`, `student_id`, `studentId` -> `studentid`. */
export function normaliseKey(k: string): string {
  return k.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * Reads a CSV (with a header row) or JSON (array of objects) file into rows
 * with normalised keys. A file that cannot be read or parsed at all is a
 * HallgateError; a bad row is left for the row validator to report.
 */
export function readRows(file: string): SourceRow[] {
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
export function rowsFromText(text: string, name: string): SourceRow[] {
  if (name.toLowerCase().endsWith('.json') || /^\s*[[{]/.test(text)) return readJson(text, name);
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

function readCsv(text: string, file: string): SourceRow[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    throw new HallgateError('IMPORT_PARSE', `${file}: not valid CSV: ${(err as Error).message}`);
  }
  const [header, ...body] = records;
  if (!header) return [];
  const keys = header.record.map(normaliseKey);
  return body.map(({ record, info }) => {
    const fields: Record<string, unknown> = {};
    keys.forEach((k, i) => {
      const v = record[i];
      if (v !== undefined && v !== '') fields[k] = v;
    });
    if (record.length > keys.length) fields.__extra = record.slice(keys.length);
    return { line: info.lines, fields };
  });
}
