import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/**
 * The root logger: JSON to stdout by default, pretty when stdout is a terminal
 * (or LOG_PRETTY=1). Components take a child: `log.child({ module: 'serial' })`.
 */
export function createLogger(opts: { level?: string; pretty?: boolean } = {}): Logger {
  const level = (opts.level ?? process.env.LOG_LEVEL ?? 'info') as LevelWithSilent;
  const pretty =
    opts.pretty ??
    (process.env.LOG_PRETTY === '1' || (process.stdout.isTTY && process.env.LOG_PRETTY !== '0'));
  if (pretty) {
    return pino({
      level,
      serializers: { err: pino.stdSerializers.err },
      transport: {
        target: 'pino-pretty',
        options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
      },
    });
  }
  return pino({ level, serializers: { err: pino.stdSerializers.err } });
}

/** A logger that drops everything (tests that do not inspect logs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
