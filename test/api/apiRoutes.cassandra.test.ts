import { cassandraSkip } from '../helpers/cassandra.ts';
import { apiGuardSuite } from './apiGuards.suite.ts';
import { apiRouteSuite } from './apiRoutes.suite.ts';
import { cassandraStores } from './cassandraStores.ts';

// The central API's route and guard suites with both stores on a real Cassandra node (scripts/test.sh
// and `npm run test:cassandra` start one and set CASSANDRA_CONTACT_POINTS; skipped, with a message,
// when none is named, a failure when HALLGATE_REQUIRE_CASSANDRA=1).
const skip = cassandraSkip();
apiGuardSuite('cassandra', cassandraStores, skip);
apiRouteSuite('cassandra', cassandraStores, skip);
