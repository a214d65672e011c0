import type { GalleryVectors } from './gallery.ts';

export interface MatchOptions {
  /** Cosine similarity the best identity must reach. */
  threshold: number;
  /** How far the best identity must be ahead of the second best. */
  margin: number;
}

export interface MatchResult {
  /** The matched student, or null: an unknown face. */
  studentId: string | null;
  /** Best identity's similarity (whether or not it matched). */
  score: number;
  /** Who scored best, even when below threshold (for diagnostics, never an event). */
  bestId: string | null;
  /** Second-best identity's similarity (-1 when there is none). */
  secondScore: number;
  /** Whether the decision came from the candidate set. */
  fromCandidates: boolean;
}

/**
 * Cosine-similarity matching against a gallery of L2-normalised embeddings.
 * An identity's score is its best embedding's similarity. A match needs the
 * threshold and a margin over the second-best identity; anything else is an
 * unknown face. A candidate set (the students of this hall's sessions) is
 * searched first; when it yields no clear match, the whole gallery is.
 */
export class Matcher {
  constructor(
    private gallery: GalleryVectors,
    private readonly opts: MatchOptions,
  ) {}

  /** Swaps in a reloaded gallery (after an enrolment). */
  setGallery(gallery: GalleryVectors): void {
    this.gallery = gallery;
  }

  get size(): number {
    return this.gallery.size;
  }

  match(embedding: Float32Array, candidates?: ReadonlySet<string>): MatchResult {
    if (candidates && candidates.size > 0) {
      const r = this.search(embedding, candidates);
      if (r.studentId !== null) return { ...r, fromCandidates: true };
    }
    return { ...this.search(embedding), fromCandidates: false };
  }

  private search(embedding: Float32Array, only?: ReadonlySet<string>): Omit<MatchResult, 'fromCandidates'> {
    let best = -Infinity;
    let second = -Infinity;
    let bestId: string | null = null;
    for (const [studentId, vectors] of this.gallery) {
      if (only && !only.has(studentId)) continue;
      let s = -Infinity;
      for (const v of vectors) s = Math.max(s, cosine(embedding, v));
      if (s > best) {
        second = best;
        best = s;
        bestId = studentId;
      } else if (s > second) {
        second = s;
      }
    }
    const secondScore = second === -Infinity ? -1 : second;
    const score = best === -Infinity ? -1 : best;
    const ok = bestId !== null && score >= this.opts.threshold && score - secondScore >= this.opts.margin;
    return { studentId: ok ? bestId : null, score, bestId, secondScore };
  }
}

/** Dot product; equals cosine similarity for L2-normalised vectors of the same length. */
export function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return -1;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
