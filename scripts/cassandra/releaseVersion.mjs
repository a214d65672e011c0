#!/usr/bin/env node
// Prints "Cassandra <release_version>" of the node at HOST:PORT (argv[2]), local DC argv[3].
// Used by scripts/cassandra.sh once the node listens for CQL clients.
import cassandra from 'cassandra-driver';

const [point, dc = 'datacenter1'] = process.argv.slice(2);
if (!point) {
  console.error('usage: releaseVersion.mjs HOST:PORT [DC]');
  process.exit(2);
}
const client = new cassandra.Client({ contactPoints: [point], localDataCenter: dc });
try {
  await client.connect();
  const row = (await client.execute('SELECT release_version FROM system.local')).first();
  console.log(`Cassandra ${String(row?.['release_version'])}`);
} catch (err) {
  console.error(`cassandra: cannot query ${point}: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  await client.shutdown();
}
