import { closeSync, fdatasyncSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import type { Logger } from 'pino';
import { privateFile } from '../../kernel/fileModes.ts';

/** Header: magic, then the generation whose records are live. */
const MAGIC = 0x48475350; // 'HGSP'
const HEADER = 8;
/** Each record: payload length, generation, crc32 of the payload; then the payload (JSON). */
const RECORD_HEAD = 12;
const ZEROS = Buffer.alloc(64 * 1024);

export interface SpoolOptions {
  /** Bytes reserved for the spool file at start (written out, so later writes need no new blocks). */
  capacityBytes?: number;
  /** Inputs held in memory once the file is full; beyond this the oldest are dropped (and counted). */
  maxInMemory?: number;
}

/**
 * Where inputs go when the store refuses them (disk full, I/O error): a file
 * beside the database, reserved in full when the daemon starts, so that
 * writing to it needs no free space later. Each put() writes its records in
 * place and syncs them: a swipe spooled survives kill -9, SIGTERM and power
 * loss. A drain replays the live records (event ids make a replay idempotent)
 * and then retires them all at once by moving the header to a new generation.
 * When the file is full, inputs wait in a bounded memory tail; what is lost
 * (memory full, or memory left at stop) is counted and reported by the caller.
 */
export class Spool<T> {
  private fd: number | undefined;
  private capacity = 0;
  private generation = 1;
  private offset = HEADER;
  private live = 0;
  private memory: T[] = [];
  private dropped = 0;
  /** dropped when the current streak of losses began (null: not losing). */
  private droppingSince: number | null = null;
  private readonly wanted: number;
  private readonly maxInMemory: number;

  constructor(
    private readonly path: string,
    private readonly log: Logger,
    opts: SpoolOptions = {},
  ) {
    this.wanted = Math.max(HEADER + 1024, Math.floor(opts.capacityBytes ?? 8 * 1024 * 1024));
    this.maxInMemory = opts.maxInMemory ?? 10_000;
  }

  /** Opens the file, keeps what a previous run left in it, and reserves the rest of its capacity. */
  open(): void {
    privateFile(this.path);
    this.fd = openSync(this.path, 'r+');
    const head = Buffer.alloc(HEADER);
    readSync(this.fd, head, 0, HEADER, 0);
    if (head.readUInt32BE(0) === MAGIC) this.generation = head.readUInt32BE(4);
    else this.writeHeader(1);
    this.reserve();
    this.live = this.scan().length;
    if (this.live > 0)
      this.log.warn({ spooled: this.live }, 'inputs left in the spool by the last run; replaying');
  }

  /** Spools inputs: into the file while it has room, then into bounded memory. */
  put(items: T[]): void {
    const rest = [...items];
    while (rest.length > 0 && this.fd !== undefined && this.tryAppend(rest[0]!)) rest.shift();
    if (this.fd !== undefined && rest.length < items.length) this.sync();
    for (const i of rest) {
      if (this.memory.length >= this.maxInMemory) {
        this.memory.shift();
        this.lose(1, 'spool file and memory full: the oldest waiting inputs are lost from now on');
      }
      this.memory.push(i);
    }
  }

  /** Counts inputs lost, with one error line when a streak of losses begins. */
  private lose(n: number, why: string): void {
    if (this.droppingSince === null) {
      this.droppingSince = this.dropped;
      this.log.error({ spool: this.path, maxInMemory: this.maxInMemory }, why);
    }
    this.dropped += n;
  }

  /** Ends a streak of losses with one error line giving the count. */
  private reportLosses(): void {
    if (this.droppingSince === null) return;
    const lost = this.dropped - this.droppingSince;
    this.droppingSince = null;
    this.log.error(
      { lost, lostInAll: this.dropped },
      `${lost} input(s) could not be kept while the store refused writes`,
    );
  }

  /** Inputs lost because the file and memory were full. */
  droppedCount(): number {
    return this.dropped;
  }

  /** Inputs waiting: in the file and in memory. */
  pending(): number {
    return this.live + this.memory.length;
  }

  /** Inputs only in memory (lost if the process ends before they are stored). */
  inMemory(): number {
    return this.memory.length;
  }

  /**
   * Hands every spooled input to `replay` (oldest first); once it returns they
   * are retired. If it throws, everything stays spooled.
   */
  drain(replay: (items: T[]) => void): number {
    const items = [...this.scan(), ...this.memory];
    if (items.length === 0) return 0;
    replay(items);
    if (this.fd !== undefined) {
      this.writeHeader(this.generation + 1);
      this.sync();
    }
    this.offset = HEADER;
    this.live = 0;
    this.memory = [];
    this.reportLosses();
    return items.length;
  }

  /** Closes the file; inputs still only in memory are lost now, counted and reported. */
  close(): void {
    if (this.memory.length > 0) {
      this.lose(this.memory.length, 'inputs held in memory (spool file full) are lost at stop');
      this.memory = [];
    }
    this.reportLosses();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private tryAppend(item: T): boolean {
    try {
      return this.appendRecord(item);
    } catch (err) {
      this.log.error({ err, spool: this.path }, 'cannot write the spool file; inputs wait in memory');
      this.capacity = this.offset; // no further attempts until a drain starts the file over
      return false;
    }
  }

  private appendRecord(item: T): boolean {
    const body = Buffer.from(JSON.stringify(item));
    if (this.offset + RECORD_HEAD + body.length > this.capacity) return false;
    const head = Buffer.alloc(RECORD_HEAD);
    head.writeUInt32BE(body.length, 0);
    head.writeUInt32BE(this.generation, 4);
    head.writeUInt32BE(crc32(body), 8);
    writeSync(this.fd!, Buffer.concat([head, body]), 0, RECORD_HEAD + body.length, this.offset);
    this.offset += RECORD_HEAD + body.length;
    this.live++;
    return true;
  }

  /** The live records (this generation, whole, checksums right), from the start; sets the write offset. */
  private scan(): T[] {
    const out: T[] = [];
    if (this.fd === undefined) return out;
    const head = Buffer.alloc(RECORD_HEAD);
    let at = HEADER;
    while (at + RECORD_HEAD <= this.capacity) {
      readSync(this.fd, head, 0, RECORD_HEAD, at);
      const len = head.readUInt32BE(0);
      if (len === 0 || head.readUInt32BE(4) !== this.generation || at + RECORD_HEAD + len > this.capacity)
        break;
      const body = Buffer.alloc(len);
      readSync(this.fd, body, 0, len, at + RECORD_HEAD);
      if (crc32(body) !== head.readUInt32BE(8)) break;
      out.push(JSON.parse(body.toString('utf8')) as T);
      at += RECORD_HEAD + len;
    }
    this.offset = at;
    return out;
  }

  private writeHeader(generation: number): void {
    const head = Buffer.alloc(HEADER);
    head.writeUInt32BE(MAGIC, 0);
    head.writeUInt32BE(generation, 4);
    writeSync(this.fd!, head, 0, HEADER, 0);
    this.generation = generation;
  }

  /** Writes the file out to its capacity (zeros), as far as the disk allows. */
  private reserve(): void {
    let size = fstatSync(this.fd!).size;
    try {
      while (size < this.wanted) {
        const n = Math.min(ZEROS.length, this.wanted - size);
        writeSync(this.fd!, ZEROS, 0, n, size);
        size += n;
      }
      this.sync();
    } catch (err) {
      this.log.error(
        { err, spool: this.path, reservedBytes: size, wantedBytes: this.wanted },
        'cannot reserve the whole spool file (disk full?): fewer inputs can wait for the store',
      );
    }
    this.capacity = size;
  }

  private sync(): void {
    try {
      fdatasyncSync(this.fd!);
    } catch (err) {
      this.log.warn({ err, spool: this.path }, 'spool sync failed');
    }
  }
}
