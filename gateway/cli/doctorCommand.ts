import { daemonSkewSec } from '../doctor/daemonSkew.ts';
import { loadConfig } from '../config/loadConfig.ts';
import { checkLine, fail, ok, skip, type CheckResult } from '../doctor/check.ts';
import {
  freeDisk,
  modelChecksums,
  openStoreForChecks,
  outboxBacklog,
  readerDevices,
  storeIntegrity,
} from '../doctor/localChecks.ts';
import { brokerReachable, cameraReachable, clockSkew, systemdUnit } from '../doctor/systemChecks.ts';
import type { Command } from './command.ts';
import { parse } from './options.ts';

export const doctorCommand: Command = {
  name: 'doctor',
  summary:
    'check this gateway: configuration, store, disk, reader, camera, models, broker, outbox, clock, systemd',
  usage: `hallgate doctor [--config FILE] [--unit NAME] [--before-start]
One line per check with what to do when it fails; exit 0 only when none fails
('skip' = does not apply here). Checks: configuration, store integrity
(quick_check, read-only), free disk, each reader device present and readable,
camera reachable, face model checksums, broker reachable with these
credentials, outbox depth and oldest unsynced age, clock (NTP, no stored event
in the future), the systemd unit (--unit, default hallgate.service) where
systemd runs. --before-start (provision.sh, before enabling the unit): a store
not created yet and a unit not enabled yet are not failures.`,
  async run(argv) {
    const { values } = parse(argv, {
      config: { type: 'string', short: 'c' },
      unit: { type: 'string', default: 'hallgate.service' },
      'before-start': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    const results: CheckResult[] = [];
    const show = (r: CheckResult): void => {
      results.push(r);
      console.log(checkLine(r));
    };
    let cfg;
    try {
      cfg = loadConfig(values.config);
      show(ok('configuration', `${values.config ?? 'defaults'} valid`));
    } catch (err) {
      show(
        fail(
          'configuration',
          (err as Error).message.replace(/\n\s*/g, ' '),
          `edit ${values.config ?? 'the configuration'}; hallgate config check lists every problem`,
        ),
      );
      return 1;
    }
    const now = Date.now();
    const db = openStoreForChecks(cfg);
    try {
      const beforeStart = values['before-start'] === true;
      show(storeIntegrity(cfg, db, beforeStart));
      show(freeDisk(cfg));
      for (const r of readerDevices(cfg)) show(r);
      show(await cameraReachable(cfg));
      show(modelChecksums(cfg));
      show(await brokerReachable(cfg));
      show(outboxBacklog(cfg, db, now));
      const skewSec = cfg.health.enabled ? await daemonSkewSec(cfg.health.host, cfg.health.port) : undefined;
      show(clockSkew(db, now, { skewSec, maxSkewSec: cfg.clock.maxSkewSec }));
      show(beforeStart ? skip('systemd unit', 'not enabled yet (--before-start)') : systemdUnit(values.unit));
    } finally {
      db?.close();
    }
    const failed = results.filter((r) => r.status === 'fail').length;
    console.log(failed === 0 ? 'all checks passed' : `${failed} check(s) failed`);
    return failed === 0 ? 0 : 1;
  },
};
