import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The version in hallgate's package.json, found by walking up from this file
 * (kernel/version.ts in a checkout, dist/kernel/version.js in a build). Read
 * once; `hallgate --version`, health, metrics build info, heartbeats and the
 * central API's OpenAPI document all report it.
 */
export function packageVersion(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'hallgate' && typeof pkg.version === 'string') return (cached = pkg.version);
    } catch {
      // not here: look one folder up
    }
    dir = dirname(dir);
  }
  return (cached = '0.0.0-unknown');
}

/** hallgate's version, from package.json. */
export const VERSION = packageVersion();
