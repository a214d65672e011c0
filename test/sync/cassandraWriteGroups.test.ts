import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Write } from '../../sync/aggregator/cassandraDayIndex.ts';
import {
  groupByPartition,
  MAX_BATCH_BYTES,
  MAX_BATCH_STATEMENTS,
  replicatedOnEveryNode,
} from '../../sync/aggregator/cassandraWriteGroups.ts';

const lecture = (lectureId: string, day: string, eventId: string, extra = ''): Write => [
  'INSERT INTO ks.events_by_lecture_day (lecture_id, day, event_id, raw_id) VALUES (?, ?, ?, ?)',
  [lectureId, day, eventId, extra],
];
const student = (studentId: string, day: string, eventId: string): Write => [
  'INSERT INTO ks.events_by_student_day (student_id, day, event_id) VALUES (?, ?, ?)',
  [studentId, day, eventId],
];
const ids = (groups: Write[][]) => groups.map((g) => g.map((w) => w[1][2] ?? w[1][0]));

describe('groupByPartition: one UNLOGGED BATCH per partition', () => {
  const cases: { name: string; writes: Write[]; want: unknown[][] }[] = [
    {
      name: 'rows of one partition together, in order; other partitions and tables apart',
      writes: [
        lecture('CS101', '2025-03-19', 'e1'),
        student('S1', '2025-03-19', 'e1'),
        lecture('CS101', '2025-03-19', 'e2'),
        lecture('CS101', '2025-03-20', 'e3'),
        student('S2', '2025-03-19', 'e2'),
        lecture('CS101', '2025-03-19', 'e4'),
      ],
      want: [['e1', 'e2', 'e4'], ['e1'], ['e3'], ['e2']],
    },
    {
      name: 'a statement of an unknown table is a group of its own',
      writes: [
        ['UPDATE ks.gateway_status SET state = ? WHERE site = ?', ['online', 'campus']],
        ['UPDATE ks.gateway_status SET state = ? WHERE site = ?', ['online', 'campus']],
      ],
      want: [['online'], ['online']],
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(ids(groupByPartition(c.writes)), c.want));
  }

  it(`splits a partition at ${MAX_BATCH_STATEMENTS} statements`, () => {
    const writes = Array.from({ length: MAX_BATCH_STATEMENTS * 2 + 1 }, (_, i) => lecture('L', 'd', `e${i}`));
    assert.deepEqual(
      groupByPartition(writes).map((g) => g.length),
      [MAX_BATCH_STATEMENTS, MAX_BATCH_STATEMENTS, 1],
    );
  });

  it(`splits a partition before ${MAX_BATCH_BYTES} bound bytes`, () => {
    const big = 'x'.repeat(Math.floor(MAX_BATCH_BYTES / 2.5));
    const groups = groupByPartition([1, 2, 3, 4, 5].map((i) => lecture('L', 'd', `e${i}`, big)));
    assert.deepEqual(ids(groups), [['e1', 'e2'], ['e3', 'e4'], ['e5']]);
  });

  it('across partitions (every node a replica of all): rows of one table together, tables apart', () => {
    const writes = [
      student('S1', 'd', 'e1'),
      lecture('L1', 'd', 'e1'),
      student('S2', 'd', 'e2'),
      lecture('L2', 'd', 'e2'),
      student('S3', 'd', 'e3'),
    ];
    assert.deepEqual(ids(groupByPartition(writes, true)), [
      ['e1', 'e2', 'e3'],
      ['e1', 'e2'],
    ]);
  });

  it('keeps every write exactly once', () => {
    const writes = Array.from({ length: 500 }, (_, i) =>
      i % 2 === 0 ? lecture(`L${i % 7}`, 'd', `e${i}`) : student(`S${i % 13}`, 'd', `e${i}`),
    );
    const flat = groupByPartition(writes).flat();
    assert.equal(flat.length, writes.length);
    assert.deepEqual(new Set(flat), new Set(writes));
  });
});

describe('replicatedOnEveryNode: may a batch span partitions without an extra hop?', () => {
  const dc = (datacenter: string) => ({ datacenter });
  const simple = (rf: number) => ({
    class: 'org.apache.cassandra.locator.SimpleStrategy',
    replication_factor: String(rf),
  });
  const nts = (map: Record<string, string>) => ({
    class: 'org.apache.cassandra.locator.NetworkTopologyStrategy',
    ...map,
  });
  const cases: { name: string; replication: Record<string, string>; hosts: string[]; want: boolean }[] = [
    { name: 'one node, RF 1', replication: simple(1), hosts: ['dc1'], want: true },
    {
      name: 'three nodes, SimpleStrategy RF 3',
      replication: simple(3),
      hosts: ['dc1', 'dc1', 'dc1'],
      want: true,
    },
    {
      name: 'six nodes, SimpleStrategy RF 3',
      replication: simple(3),
      hosts: Array<string>(6).fill('dc1'),
      want: false,
    },
    {
      name: 'three local nodes, NTS dc1: 3',
      replication: nts({ dc1: '3' }),
      hosts: ['dc1', 'dc1', 'dc1', 'dc2'],
      want: true,
    },
    {
      name: 'four local nodes, NTS dc1: 3',
      replication: nts({ dc1: '3' }),
      hosts: ['dc1', 'dc1', 'dc1', 'dc1'],
      want: false,
    },
    { name: 'no replica in the local DC', replication: nts({ dc2: '3' }), hosts: ['dc1'], want: false },
    { name: 'unknown strategy', replication: { class: 'LocalStrategy' }, hosts: ['dc1'], want: false },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(replicatedOnEveryNode(c.replication, c.hosts.map(dc), 'dc1'), c.want));
  }
});
