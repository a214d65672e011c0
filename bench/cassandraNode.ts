import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = join(import.meta.dirname, '..', 'scripts', 'cassandra.sh');

/** A node started by scripts/cassandra.sh (for benchmarks); stop() removes it and its files. */
export interface BenchNode {
  contactPoint: string;
  dir: string;
  stop(): void;
}

/** Starts a node and waits until it listens for CQL (prints "Cassandra 5.x.y" to stderr). */
export function startNode(env: NodeJS.ProcessEnv = {}, name = 'node'): BenchNode {
  const dir = mkdtempSync(join(tmpdir(), `hallgate-bench-cassandra-${name}-`));
  const r = spawnSync('bash', [SCRIPT, 'start', dir], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`scripts/cassandra.sh start failed (${r.status ?? r.signal})`);
  process.stderr.write(r.stdout);
  return {
    dir,
    contactPoint: readFileSync(join(dir, 'contact-point'), 'utf8').trim(),
    stop: () => {
      spawnSync('bash', [SCRIPT, 'stop', dir], { stdio: ['ignore', 'inherit', 'inherit'] });
    },
  };
}

/** Stops a node without removing its files (to start it again). */
export function killNode(node: BenchNode): void {
  spawnSync('bash', [SCRIPT, 'stop', node.dir, '--keep'], { stdio: ['ignore', 'inherit', 'inherit'] });
}
