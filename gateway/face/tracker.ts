import type { Box } from './faceEngine.ts';
import { iou } from './nms.ts';

export interface Track {
  id: string;
  box: Box;
  firstTs: number;
  lastTs: number;
  /** Frames in a row without a matching detection. */
  misses: number;
  /** Recognition attempts made on this track. */
  attempts: number;
  /** An event was produced for this track (or it was given up on): never again. */
  decided: boolean;
}

export interface TrackerOptions {
  /** IoU needed to continue a track (default 0.3). */
  iouThreshold?: number;
  /** A track not seen for this many processed frames ends (default 5). */
  maxMisses?: number;
  /** Prefix of track ids, unique per run (e.g. the start time in base 36). */
  idPrefix?: string;
}

export interface TrackUpdate {
  /** Detection index -> its track (continued or new), for every detection. */
  assigned: { index: number; track: Track }[];
  /** Tracks that ended with this update. */
  ended: Track[];
}

/**
 * IoU tracker: each detection continues the unmatched track it overlaps most
 * (greedy, best pairs first) or starts a new track; tracks unseen for
 * maxMisses frames end. Pure: time comes in with each update.
 */
export class IouTracker {
  private readonly tracks = new Map<string, Track>();
  private next = 1;

  constructor(private readonly opts: TrackerOptions = {}) {}

  get active(): Track[] {
    return [...this.tracks.values()];
  }

  update(boxes: readonly Box[], ts: number): TrackUpdate {
    const threshold = this.opts.iouThreshold ?? 0.3;
    const pairs: { t: Track; i: number; v: number }[] = [];
    for (const t of this.tracks.values()) {
      boxes.forEach((b, i) => {
        const v = iou(t.box, b);
        if (v >= threshold) pairs.push({ t, i, v });
      });
    }
    pairs.sort((a, b) => b.v - a.v);
    const usedTracks = new Set<string>();
    const usedBoxes = new Set<number>();
    const assigned: TrackUpdate['assigned'] = [];
    for (const p of pairs) {
      if (usedTracks.has(p.t.id) || usedBoxes.has(p.i)) continue;
      usedTracks.add(p.t.id);
      usedBoxes.add(p.i);
      p.t.box = boxes[p.i]!;
      p.t.lastTs = ts;
      p.t.misses = 0;
      assigned.push({ index: p.i, track: p.t });
    }
    const ended: Track[] = [];
    for (const t of this.tracks.values()) {
      if (usedTracks.has(t.id)) continue;
      t.misses++;
      if (t.misses > (this.opts.maxMisses ?? 5)) {
        this.tracks.delete(t.id);
        ended.push(t);
      }
    }
    boxes.forEach((box, index) => {
      if (usedBoxes.has(index)) return;
      const id = `${this.opts.idPrefix ?? 't'}-${this.next++}`;
      const track: Track = { id, box, firstTs: ts, lastTs: ts, misses: 0, attempts: 0, decided: false };
      this.tracks.set(id, track);
      assigned.push({ index, track });
    });
    assigned.sort((a, b) => a.index - b.index);
    return { assigned, ended };
  }

  /** Ends every track (camera stopped). */
  clear(): Track[] {
    const all = [...this.tracks.values()];
    this.tracks.clear();
    return all;
  }
}
