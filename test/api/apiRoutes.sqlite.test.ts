import { apiRouteSuite } from './apiRoutes.suite.ts';
import { sqliteStores } from './fixtures.ts';

apiRouteSuite('sqlite', sqliteStores);
