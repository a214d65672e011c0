import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { ApiApp } from './apiTypes.ts';
import { isConsolePath } from './consolePaths.ts';

export { isConsolePath };

/** web/dist of the package this file belongs to (sources or dist/), or null when not built. */
export function consoleDir(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) {
      const web = join(dir, 'web', 'dist');
      return existsSync(join(web, 'index.html')) ? web : null;
    }
    dir = dirname(dir);
  }
  return null;
}

/**
 * Registers the console: its files as they are (hashed assets cached for a
 * year, index.html never), and index.html for any other console path so the
 * console's own routes (/sessions/..., /students/...) load on a reload.
 * API paths that match no route keep the API's 404.
 */
export async function serveConsole(app: ApiApp, root: string): Promise<void> {
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    cacheControl: false,
    index: 'index.html',
    setHeaders: (res, path) => {
      const hashed = path.startsWith(join(root, 'assets'));
      res.header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.get('/*', { schema: { hide: true } }, (req, reply) =>
    isConsolePath(req.url.split('?')[0] ?? '') ? reply.sendFile('index.html') : reply.callNotFound(),
  );
}
