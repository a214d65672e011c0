import { writeFileSync } from 'node:fs';
import { configReference } from '../config/configReference.ts';
import { loadConfig } from '../config/loadConfig.ts';
import type { Command } from './command.ts';
import { parse } from './options.ts';

export const configCommand: Command = {
  name: 'config',
  summary: 'check a configuration file, print the effective configuration, or write the reference',
  usage: `hallgate config check FILE     validate without starting (exit 1 listing every problem)
hallgate config print [FILE]   the effective configuration (defaults + file + HALLGATE_* env)
hallgate config docs [OUT]     the configuration reference (Markdown) from the schema`,
  run(argv) {
    const { positionals } = parse(argv, { help: { type: 'boolean', short: 'h' } }, true);
    const [sub, file] = positionals;
    switch (sub) {
      case 'check': {
        if (!file) break;
        loadConfig(file);
        console.log(`${file}: configuration is valid`);
        return Promise.resolve(0);
      }
      case 'print':
        console.log(JSON.stringify(loadConfig(file), null, 2));
        return Promise.resolve(0);
      case 'docs': {
        const md = configReference();
        if (file) writeFileSync(file, md);
        else process.stdout.write(md);
        return Promise.resolve(0);
      }
      default:
        break;
    }
    console.error(this.usage);
    return Promise.resolve(2);
  },
};
