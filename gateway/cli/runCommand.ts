import { createLogger } from '../../kernel/log.ts';
import { systemClock } from '../../kernel/clock.ts';
import { buildDaemon } from '../main.ts';
import { syncServices } from '../syncServices.ts';
import type { Command } from './command.ts';
import { configFrom, parse, untilSignal } from './options.ts';

export const runCommand: Command = {
  name: 'run',
  summary: 'run the gateway daemon in the foreground until SIGINT/SIGTERM',
  usage: `hallgate run --config FILE [--db PATH]
Validates the configuration (exit 1 listing every problem, before any device is
opened), opens the local store, starts the readers (and camera and uplink when
configured) and runs until SIGINT or SIGTERM, then closes everything cleanly.`,
  async run(argv) {
    const { values } = parse(argv, {
      config: { type: 'string', short: 'c' },
      db: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    const cfg = configFrom(values);
    const log = createLogger({ level: process.env.LOG_LEVEL ?? cfg.log.level });
    const daemon = buildDaemon(cfg, log, systemClock, [syncServices]);
    await daemon.start();
    await untilSignal(log);
    await daemon.stop();
    return 0;
  },
};
