import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteCampusStore } from '../../sync/campus/sqliteCampusStore.ts';
import { campusStoreContract } from './campusStore.contract.ts';

campusStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hallgate-campus-'));
  const store = new SqliteCampusStore(join(dir, 'central.db'));
  await store.start();
  return {
    store,
    cleanup: async () => {
      await store.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
