import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aggregatorSchema } from '../../gateway/config/schema.ts';
import { silentLogger } from '../../kernel/log.ts';
import { utcSite } from '../../kernel/siteTime.ts';
import { createCampusStore } from '../../sync/campus/createCampusStore.ts';

const campusOf = (raw: unknown) => createCampusStore(aggregatorSchema.parse(raw), utcSite(), silentLogger());

describe('the campus store beside the central store (serveCentral)', () => {
  it('is the central SQLite file with store sqlite', () => {
    assert.equal(campusOf({ store: 'sqlite' }).kind, 'sqlite');
  });

  it('is the Cassandra keyspace with store cassandra', () => {
    assert.equal(campusOf({ store: 'cassandra' }).kind, 'cassandra');
  });

  it('is a SQLite file of its own when campusSqlitePath names one, whatever the store', () => {
    assert.equal(campusOf({ store: 'cassandra', campusSqlitePath: '/tmp/campus.db' }).kind, 'sqlite');
  });
});
