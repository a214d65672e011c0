import { systemClock } from '../../kernel/clock.ts';
import { createEngine } from '../face/createEngine.ts';
import { enrollStudent } from '../face/enroll.ts';
import type { EngineName } from '../face/faceEngine.ts';
import { removeStudentCrops } from '../face/studentCrops.ts';
import type { Command } from './command.ts';
import { openExistingStore, openStore, parse, storeOptions, table } from './options.ts';

const ENGINES: readonly EngineName[] = ['onnx', 'faceapi'];

export const enrollCommand: Command = {
  name: 'enroll',
  summary:
    'enrol a student’s face from photos (embeddings only, never the photos), or remove their biometric data',
  usage: `hallgate enroll --student ID PHOTO... [--engine onnx|faceapi] [--min-face PX] [--config FILE] [--db PATH]
hallgate enroll --remove ID [--config FILE] [--db PATH]
hallgate enroll --list [--config FILE] [--db PATH]

Each photo must show exactly one face, at least --min-face pixels (default 80).
All or nothing: if any photo is rejected, nothing is stored. Exit codes: 0 ok,
1 a photo was rejected, 2 usage. The engine defaults to camera.engine.`,
  async run(argv) {
    const { values, positionals } = parse(
      argv,
      {
        ...storeOptions,
        student: { type: 'string', short: 's' },
        remove: { type: 'string' },
        list: { type: 'boolean' },
        engine: { type: 'string' },
        'min-face': { type: 'string' },
      },
      true,
    );
    const modes = [values.student !== undefined, values.remove !== undefined, values.list === true].filter(
      Boolean,
    ).length;
    const engineName = values.engine as EngineName | undefined;
    const minFace = values['min-face'] === undefined ? undefined : Number(values['min-face']);
    if (
      values.help ||
      modes !== 1 ||
      (values.student !== undefined && positionals.length === 0) ||
      (engineName !== undefined && !ENGINES.includes(engineName)) ||
      (minFace !== undefined && !(minFace > 0))
    ) {
      console.error(this.usage);
      return values.help ? 0 : 2;
    }
    // --list only reads and --remove needs a store to remove from: neither creates one.
    const { cfg, store } =
      values.student === undefined
        ? openExistingStore(values, { write: values.remove !== undefined })
        : openStore(values);
    try {
      const gallery = store.gallery;
      if (values.list) {
        const rows = gallery.summary().map((s) => [s.engine, s.modelVersion, s.students, s.embeddings]);
        console.log(table(['engine', 'model version', 'students', 'embeddings'], rows));
        return 0;
      }
      if (values.remove !== undefined) {
        const n = gallery.remove(values.remove);
        console.log(`removed ${n} face embedding${n === 1 ? '' : 's'} of student ${values.remove}`);
        const crops = removeStudentCrops(store.events, values.remove, {
          dir: cfg.camera.reviewCrops.dir,
          windowSec: cfg.thresholds.pairingWindowSec,
        });
        console.log(
          `removed ${crops} review crop${crops === 1 ? '' : 's'} that may show student ${values.remove}`,
        );
        return 0;
      }
      const studentId = values.student!;
      if (!store.studentExists(studentId))
        console.error(`warning: student ${studentId} is not in the roster (yet)`);
      const engine = createEngine(engineName ?? cfg.camera.engine);
      await engine.load();
      try {
        const r = await enrollStudent(
          { engine, gallery, clock: systemClock },
          studentId,
          positionals,
          minFace ? { minFacePx: minFace } : {},
        );
        console.log(
          table(
            ['photo', 'result', 'detector score', 'face px'],
            r.photos.map((p) => [
              p.photo,
              p.ok
                ? r.ok
                  ? p.added === false
                    ? 'ok (already enrolled)'
                    : 'ok'
                  : 'ok (not stored)'
                : `${p.code}: ${p.message}`,
              p.detScore === undefined ? '' : p.detScore.toFixed(3),
              p.facePx ?? '',
            ]),
          ),
        );
        if (!r.ok) {
          console.error(`student ${studentId}: nothing stored; fix or drop the rejected photos`);
          return 1;
        }
        console.log(
          `student ${studentId}: ${r.stored} embedding(s) stored (${engine.name} ${engine.modelVersion})`,
        );
        return 0;
      } finally {
        await engine.close();
      }
    } finally {
      store.close();
    }
  },
};
