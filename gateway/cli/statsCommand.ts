import { UniqueCounter } from '../validation/uniqueCounter.ts';
import type { Command } from './command.ts';
import { dayOption } from './optionChecks.ts';
import { openExistingStore, parse, storeOptions } from './options.ts';

export const statsCommand: Command = {
  name: 'stats',
  summary: 'unique attendees per lecture and day: HyperLogLog estimate next to the exact count',
  usage: `hallgate stats unique --lecture COURSE --date YYYY-MM-DD [--config FILE] [--db PATH]`,
  run(argv) {
    const { values, positionals } = parse(
      argv,
      { ...storeOptions, lecture: { type: 'string' }, date: { type: 'string' } },
      true,
    );
    if (values.help || positionals[0] !== 'unique' || !values.lecture || !values.date) {
      console.error(this.usage);
      return Promise.resolve(values.help ? 0 : 2);
    }
    dayOption('--date', values.date);
    const { cfg, store } = openExistingStore(values);
    try {
      const counter = new UniqueCounter(store, cfg.validation.hllBits);
      const estimate = counter.estimate(values.lecture, values.date);
      const exact = store.exactUniqueCount(values.lecture, values.date);
      const err = exact === 0 ? 0 : ((estimate - exact) / exact) * 100;
      console.log(
        `lecture ${values.lecture} on ${values.date}: estimate ${estimate} (HyperLogLog, ±${(counter.relativeError() * 100).toFixed(1)}% std), exact ${exact}, off by ${err.toFixed(2)}%`,
      );
      return Promise.resolve(0);
    } finally {
      store.close();
    }
  },
};
