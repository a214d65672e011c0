import { installProcessGuards, reportError } from './cli/errors.ts';
import { VERSION } from '../kernel/version.ts';
import type { Command } from './cli/command.ts';

/**
 * A subcommand as `hallgate --help` lists it; its module (and what that
 * imports: SQLite, MQTT, the face engines, PDF) loads only when it runs.
 */
export interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<Command>;
}

/** Every subcommand, in the order `hallgate --help` lists them. */
export const commands: CommandEntry[] = [
  {
    name: 'demo',
    summary: 'run a complete simulated hall on embedded defaults and print what happens',
    load: async () => (await import('./cli/demoCommand.ts')).demoCommand,
  },
  {
    name: 'run',
    summary: 'run the gateway daemon in the foreground until SIGINT/SIGTERM',
    load: async () => (await import('./cli/runCommand.ts')).runCommand,
  },
  {
    name: 'simulate',
    summary: 'generate a campus and a day of swipes: into a serial device, into a store, or as CSV files',
    load: async () => (await import('./cli/simulateCommand.ts')).simulateCommand,
  },
  {
    name: 'import',
    summary: 'import roster, enrolments, timetable or courses from CSV/JSON',
    load: async () => (await import('./cli/importCommand.ts')).importCommand,
  },
  {
    name: 'records',
    summary: 'print classified attendance records with their reasons',
    load: async () => (await import('./cli/recordsCommand.ts')).recordsCommand,
  },
  {
    name: 'invalid',
    summary: 'print invalid attempts (unknown badges and faces)',
    load: async () => (await import('./cli/invalidCommand.ts')).invalidCommand,
  },
  {
    name: 'stats',
    summary: 'unique attendees per lecture and day: HyperLogLog estimate next to the exact count',
    load: async () => (await import('./cli/statsCommand.ts')).statsCommand,
  },
  {
    name: 'review',
    summary: 'list records flagged for manual review, or resolve one (kept with who and why)',
    load: async () => (await import('./cli/reviewCommand.ts')).reviewCommand,
  },
  {
    name: 'enroll',
    summary:
      'enrol a student’s face from photos (embeddings only, never the photos), or remove their biometric data',
    load: async () => (await import('./cli/enrollCommand.ts')).enrollCommand,
  },
  {
    name: 'config',
    summary: 'check a configuration file, print the effective configuration, or write the reference',
    load: async () => (await import('./cli/configCommand.ts')).configCommand,
  },
  {
    name: 'doctor',
    summary:
      'check this gateway: configuration, store, disk, reader, camera, models, broker, outbox, clock, systemd',
    load: async () => (await import('./cli/doctorCommand.ts')).doctorCommand,
  },
  {
    name: 'aggregator',
    summary: 'run the central aggregator: MQTT batches from gateways -> central store (SQLite or Cassandra)',
    load: async () => (await import('./cli/aggregatorCommand.ts')).aggregatorCommand,
  },
  {
    name: 'report',
    summary:
      'central reports (latecomers, weekdays, rankings, consistency, invalid) as a table, CSV, Excel or PDF',
    load: async () => (await import('./cli/reportCommand.ts')).reportCommand,
  },
];

function help(): string {
  const w = Math.max(...commands.map((c) => c.name.length));
  return [
    'hallgate: edge attendance gateway (RFID + on-device face recognition, pure rule engine, MQTT sync)',
    '',
    'usage: hallgate COMMAND [options]    (hallgate COMMAND --help for details; hallgate --version)',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    '',
  ].join('\n');
}

/** Entry point of the CLI; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  installProcessGuards(() => (name ? `hallgate ${name}` : 'hallgate'));
  if (name === '--version' || name === '-V' || name === 'version') {
    console.log(`hallgate ${VERSION}`);
    return 0;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help());
    return name ? 0 : 2;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    process.stderr.write(`hallgate: unknown command '${name}'\n\n${help()}`);
    return 2;
  }
  try {
    const cmd = await entry.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      console.log(cmd.usage);
      return 0;
    }
    return await cmd.run(rest);
  } catch (err) {
    return reportError(`hallgate ${name}`, err);
  }
}
