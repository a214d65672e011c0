export interface GalleryEntry {
  studentId: string;
  engine: string;
  modelVersion: string;
  vector: Float32Array;
  /** Detector score of the enrolment photo's face. */
  detScore: number;
  /** Face size in the enrolment photo (pixels, shorter side of the box). */
  facePx: number;
  /** Non-reversible tag of the source photo. */
  photoTag: string;
}

/** Embeddings of one engine + model version, per student. */
export type GalleryVectors = Map<string, Float32Array[]>;

/** The enrolment gallery (gateway/store/galleryTable.ts keeps it in SQLite). */
export interface GalleryStore {
  /** Adds one embedding; false if this photo was already enrolled for the student with this model. */
  add(e: GalleryEntry, now: number): boolean;
  /** Every embedding of this engine and model version, grouped by student. */
  load(engine: string, modelVersion: string): GalleryVectors;
  /** Deletes every embedding of a student (all engines). Returns how many were deleted. */
  remove(studentId: string): number;
  /** Embedding counts per engine and model version. */
  summary(): { engine: string; modelVersion: string; students: number; embeddings: number }[];
}
