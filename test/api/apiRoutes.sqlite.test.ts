import { apiGuardSuite } from './apiGuards.suite.ts';
import { apiRouteSuite } from './apiRoutes.suite.ts';
import { sqliteStores } from './fixtures.ts';

apiGuardSuite('sqlite', sqliteStores);
apiRouteSuite('sqlite', sqliteStores);
