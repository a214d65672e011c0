import { installProcessGuards, reportError } from './cli/errors.ts';
import { packageVersion } from './version.ts';
import type { Command } from './cli/command.ts';
import { aggregatorCommand } from './cli/aggregatorCommand.ts';
import { configCommand } from './cli/configCommand.ts';
import { demoCommand } from './cli/demoCommand.ts';
import { doctorCommand } from './cli/doctorCommand.ts';
import { enrollCommand } from './cli/enrollCommand.ts';
import { runCommand } from './cli/runCommand.ts';
import { simulateCommand } from './cli/simulateCommand.ts';
import { importCommand } from './cli/importCommand.ts';
import { invalidCommand } from './cli/invalidCommand.ts';
import { recordsCommand } from './cli/recordsCommand.ts';
import { reportCommand } from './cli/reportCommand.ts';
import { reviewCommand } from './cli/reviewCommand.ts';
import { statsCommand } from './cli/statsCommand.ts';

/** Every subcommand, in the order `hallgate --help` lists them. */
export const commands: Command[] = [
  demoCommand,
  runCommand,
  simulateCommand,
  importCommand,
  recordsCommand,
  invalidCommand,
  statsCommand,
  reviewCommand,
  enrollCommand,
  configCommand,
  doctorCommand,
  aggregatorCommand,
  reportCommand,
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
    console.log(`hallgate ${packageVersion()}`);
    return 0;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help());
    return name ? 0 : 2;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    process.stderr.write(`hallgate: unknown command '${name}'\n\n${help()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(cmd.usage);
    return 0;
  }
  try {
    return await cmd.run(rest);
  } catch (err) {
    return reportError(`hallgate ${name}`, err);
  }
}
