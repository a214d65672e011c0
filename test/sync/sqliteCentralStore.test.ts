import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteCentralStore } from '../../sync/aggregator/sqliteCentralStore.ts';
import { centralStoreContract } from './centralStore.contract.ts';

centralStoreContract('sqlite', async (limits) => {
  const dir = mkdtempSync(join(tmpdir(), 'hallgate-central-'));
  const store = new SqliteCentralStore(join(dir, 'central.db'), limits);
  await store.start();
  return {
    store,
    cleanup: async () => {
      await store.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
