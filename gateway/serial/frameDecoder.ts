import type { BadFrameReason } from './badgeReader.ts';

/** What a decoder makes of the bytes it was given. */
export type DecodeResult =
  | { kind: 'frame'; uid: string }
  | {
      kind: 'bad';
      reason: BadFrameReason;
      /** The rejected bytes (the first BAD_SAMPLE_MAX of them, see badRun.ts). */
      bytes: Buffer;
      /** How many bytes were rejected in all. */
      length: number;
    };

/**
 * A streaming decoder: takes arbitrary chunks, keeps a bounded partial frame
 * between them, and reports every good frame and every rejected run of bytes.
 * It resynchronises on its own: garbage never swallows the next good frame
 * (see each protocol for what "next good frame" means).
 */
export interface FrameDecoder {
  push(chunk: Uint8Array): DecodeResult[];
  /** Ends the stream (device closed): a pending partial frame is reported. */
  flush(): DecodeResult[];
}
