import type { Database } from 'better-sqlite3';
import type { GalleryEntry, GalleryStore, GalleryVectors } from '../face/gallery.ts';

/**
 * The enrolment gallery in SQLite (table face_embeddings, migration 003):
 * embeddings only, never photos, each keyed by engine and model version so
 * embeddings of different engines never mix.
 */
export class Gallery implements GalleryStore {
  constructor(private readonly db: Database) {}

  /** Adds one embedding; false if this photo was already enrolled for the student with this model. */
  add(e: GalleryEntry, now: number): boolean {
    const r = this.db
      .prepare(
        `INSERT INTO face_embeddings (student_id, engine, model_version, dim, vector, det_score, face_px, photo_tag, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (student_id, engine, model_version, photo_tag) DO NOTHING`,
      )
      .run(
        e.studentId,
        e.engine,
        e.modelVersion,
        e.vector.length,
        toBlob(e.vector),
        e.detScore,
        Math.round(e.facePx),
        e.photoTag,
        now,
      );
    return r.changes === 1;
  }

  /** Every embedding of this engine and model version, grouped by student. */
  load(engine: string, modelVersion: string): GalleryVectors {
    const rows = this.db
      .prepare<[string, string], { student_id: string; dim: number; vector: Buffer }>(
        'SELECT student_id, dim, vector FROM face_embeddings WHERE engine = ? AND model_version = ? ORDER BY student_id, id',
      )
      .all(engine, modelVersion);
    const out: GalleryVectors = new Map();
    for (const r of rows) {
      const list = out.get(r.student_id) ?? [];
      list.push(fromBlob(r.vector, r.dim));
      out.set(r.student_id, list);
    }
    return out;
  }

  /** Deletes every embedding of a student (all engines). Returns how many were deleted. */
  remove(studentId: string): number {
    return this.db.prepare('DELETE FROM face_embeddings WHERE student_id = ?').run(studentId).changes;
  }

  /** Embedding counts per engine and model version. */
  summary(): { engine: string; modelVersion: string; students: number; embeddings: number }[] {
    return this.db
      .prepare<[], { engine: string; model_version: string; students: number; embeddings: number }>(
        `SELECT engine, model_version, COUNT(DISTINCT student_id) AS students, COUNT(*) AS embeddings
         FROM face_embeddings GROUP BY engine, model_version ORDER BY engine, model_version`,
      )
      .all()
      .map((r) => ({
        engine: r.engine,
        modelVersion: r.model_version,
        students: r.students,
        embeddings: r.embeddings,
      }));
  }
}

function toBlob(v: Float32Array): Buffer {
  const b = Buffer.alloc(v.length * 4);
  for (let i = 0; i < v.length; i++) b.writeFloatLE(v[i]!, i * 4);
  return b;
}

function fromBlob(b: Buffer, dim: number): Float32Array {
  const v = new Float32Array(dim);
  for (let i = 0; i < dim; i++) v[i] = b.readFloatLE(i * 4);
  return v;
}
