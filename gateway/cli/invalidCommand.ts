import type { Command } from './command.ts';
import { dayOption } from './optionChecks.ts';
import { isoTime, openExistingStore, parse, storeOptions, table } from './options.ts';

export const invalidCommand: Command = {
  name: 'invalid',
  summary: 'print invalid attempts (unknown badges and faces)',
  usage: `hallgate invalid [--date YYYY-MM-DD] [--json] [--config FILE] [--db PATH]`,
  run(argv) {
    const { values } = parse(argv, { ...storeOptions, date: { type: 'string' }, json: { type: 'boolean' } });
    if (values.help) {
      console.log(this.usage);
      return Promise.resolve(0);
    }
    const day = dayOption('--date', values.date);
    const { store } = openExistingStore(values);
    try {
      const rows = store.listInvalid(day);
      if (values.json) console.log(JSON.stringify(rows, null, 2));
      else {
        console.log(
          table(
            ['time', 'gate', 'hall', 'reason', 'raw id'],
            rows.map((r) => [isoTime(r.ts), r.gateId, r.hallId, r.reason, r.rawId]),
          ),
        );
        console.log(`${rows.length} invalid attempt(s)`);
      }
      return Promise.resolve(0);
    } finally {
      store.close();
    }
  },
};
