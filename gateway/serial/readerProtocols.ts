import { Em4100Decoder } from './em4100Decoder.ts';
import { encodeEm4100 } from './em4100Frame.ts';
import type { FrameDecoder } from './frameDecoder.ts';
import { LineDecoder } from './lineDecoder.ts';
import { DEFAULT_LINE_LIMITS, encodeLine, type LineLimits } from './lineFrame.ts';

/** Per-reader settings a decoder may use (each protocol takes what it needs). */
export interface DecoderOptions {
  /** Card number length accepted by the 'line' protocol. */
  line?: LineLimits;
}

/** One frame format a badge reader can speak: how to decode it, and how to write a card in it. */
export interface ReaderProtocol {
  /** One line for the configuration reference and --help. */
  readonly doc: string;
  createDecoder(options: DecoderOptions): FrameDecoder;
  /** The bytes this kind of reader sends for a card (the simulator writes these). */
  encode(uid: string): Buffer;
}

/**
 * Every reader protocol the daemon knows. Adding one is a decoder file plus
 * one line here: the config enum, the simulator's --protocol and the
 * Protocol type all come from this registry.
 */
export const readerProtocols = {
  em4100: {
    doc: 'EM4100 ASCII frames (RDM6300 / ID-12): STX, 10 hex digits, checksum, ETX',
    createDecoder: () => new Em4100Decoder(),
    encode: (uid) => encodeEm4100(uid.padStart(10, '0').slice(-10)),
  },
  line: {
    doc: 'card number as hex or decimal digits ended by CR and/or LF (keyboard-wedge / USB-serial)',
    createDecoder: (o) => new LineDecoder(o.line ?? DEFAULT_LINE_LIMITS),
    encode: (uid) => encodeLine(uid),
  },
} as const satisfies Record<string, ReaderProtocol>;

export type Protocol = keyof typeof readerProtocols;

/** The protocol names, in registry order (the first is the default). */
export const protocolNames = Object.keys(readerProtocols) as [Protocol, ...Protocol[]];

/** A fresh streaming decoder for one reader. */
export function createFrameDecoder(protocol: Protocol, lineLimits?: LineLimits): FrameDecoder {
  return (readerProtocols[protocol] as ReaderProtocol).createDecoder({ line: lineLimits });
}
