import type { StoreConnection } from './storeConnection.ts';

/** The store's key/value `meta` table (versions, marks, the site zone). */
export class MetaTable {
  private readonly get;
  private readonly put;

  constructor(conn: StoreConnection) {
    this.get = conn.db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
    this.put = conn.db.prepare<[string, string]>(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    );
  }

  getMeta(key: string): string | undefined {
    return this.get.get(key)?.value;
  }
  setMeta(key: string, value: string): void {
    this.put.run(key, value);
  }
}
