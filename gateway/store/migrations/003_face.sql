-- Face gallery: embeddings only, never photos. Each embedding carries the
-- engine and model version that produced it; matching only ever compares
-- embeddings of the running engine and version.
CREATE TABLE face_embeddings (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  student_id    TEXT NOT NULL,
  engine        TEXT NOT NULL,
  model_version TEXT NOT NULL,
  dim           INTEGER NOT NULL CHECK (dim > 0),
  -- little-endian float32 x dim, L2-normalised
  vector        BLOB NOT NULL CHECK (length(vector) = 4 * dim),
  det_score     REAL NOT NULL,
  face_px       INTEGER NOT NULL,
  -- a non-reversible tag of the source photo (sha256 prefix), to refuse duplicates
  photo_tag     TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  UNIQUE (student_id, engine, model_version, photo_tag)
);
CREATE INDEX face_embeddings_by_model ON face_embeddings (engine, model_version, student_id);
