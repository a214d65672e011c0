import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Spool } from './spool.ts';

/** The JSON-lines spool of earlier versions (and the copy its drain worked on). */
const LEGACY = ['ingest-spool.jsonl.draining', 'ingest-spool.jsonl'];

/**
 * Moves inputs an earlier version left in its JSON-lines spool (in `dir`) into
 * the spool file, so an upgrade during an outage loses nothing; the old files
 * are removed once their inputs are in. Returns how many were moved.
 */
export function adoptLegacySpool<T>(dir: string, spool: Spool<T>, log: Logger): number {
  let moved = 0;
  for (const name of LEGACY) {
    const path = join(dir, name);
    if (!existsSync(path)) continue;
    const items: T[] = [];
    let torn = 0;
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line) continue;
      try {
        items.push(JSON.parse(line) as T);
      } catch {
        torn++;
      }
    }
    spool.put(items);
    unlinkSync(path);
    moved += items.length;
    log.warn(
      { file: path, inputs: items.length, tornLines: torn },
      'inputs of an old spool file moved into the spool',
    );
  }
  return moved;
}
