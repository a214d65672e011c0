import { systemClock } from '../../kernel/clock.ts';
import { createLogger } from '../../kernel/log.ts';
import { SystemdNotifier } from '../systemd/notifier.ts';
import { startAggregator } from '../../sync/aggregator/startAggregator.ts';
import { serveCentral } from '../../sync/api/serveCentral.ts';
import type { Command } from './command.ts';
import { configFrom, parse, untilSignal } from './options.ts';

export const aggregatorCommand: Command = {
  name: 'aggregator',
  summary: 'run the central aggregator: MQTT batches from gateways -> central store (SQLite or Cassandra)',
  usage: `hallgate aggregator --config FILE [--url MQTT_URL]
Connects to the broker in mqtt.url (credentials and TLS files from mqtt.*),
subscribes to every gateway's batches (a $share/<aggregator.group>/ shared
subscription on MQTT 5, so several aggregators split the load), writes them to
aggregator.store ('sqlite' at aggregator.sqlitePath, or 'cassandra') and
acknowledges each batch end to end once it is durable. Runs until SIGINT or
SIGTERM. Serves the HTTP API (docs/api.md) on aggregator.http.host:port
(default 127.0.0.1:8080) unless aggregator.http.enabled is false. See docs/sync.md.`,
  async run(argv) {
    const { values } = parse(argv, {
      config: { type: 'string', short: 'c' },
      url: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    const cfg = configFrom(values);
    if (values.url) cfg.mqtt.url = values.url;
    const log = createLogger({ level: process.env.LOG_LEVEL ?? cfg.log.level });
    const running = await startAggregator(cfg, { log, clock: systemClock });
    const served = cfg.aggregator.http.enabled
      ? await serveCentral(cfg, running, { log, clock: systemClock })
      : null;
    log.info(
      { store: cfg.aggregator.store, url: cfg.mqtt.url, group: cfg.aggregator.group },
      'aggregator running',
    );
    const notifier = new SystemdNotifier(log.child({ module: 'systemd' }));
    notifier.ready(`central store ${cfg.aggregator.store}`);
    notifier.startWatchdog(() => true); // pings while the event loop runs (Type=notify, WatchdogSec)
    await untilSignal(log);
    notifier.stopping();
    await served?.stop();
    await running.stop();
    log.info(running.aggregator.stats(), 'aggregator stopped');
    return 0;
  },
};
