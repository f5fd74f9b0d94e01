/**
 * A bounded, append-only disk queue of Kafka messages: where events wait while
 * Kafka is unavailable, and what a restarted process replays first.
 *
 * Layout: `<dir>/<seq>.seg` segment files of framed records (spool-record.ts),
 * written in sequence order and read oldest first, plus a `cursor` file naming how
 * far into the oldest segment delivery has been confirmed. A fully delivered segment
 * is deleted. One process owns a spool folder at a time.
 *
 * Durability: `append` is synchronous and only queues the frame; one background
 * writer appends queued frames to the active segment in batches. The active segment
 * is fsynced at most every `fsyncIntervalMs` while it is being written, and always
 * when it is sealed (full, handed to the reader, or at close). So a process crash
 * loses nothing written; a machine crash can lose the last interval's records, and
 * a torn last record is skipped by the reader. The cursor is not fsynced: losing it
 * means resending, never losing.
 */
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readFile, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { OutgoingMessage } from '@ballast/kafka';
import type { Logger } from '@ballast/telemetry';
import { encodeRecord, readFrame, type SpooledMessage } from './spool-record';

export interface DiskSpoolOptions {
  dir: string;
  /** Bound on the spool's size (segments on disk plus frames queued for writing). */
  maxBytes: number;
  /** Size at which a segment is sealed; a fraction of maxBytes by default, so space frees up as segments are replayed. */
  segmentBytes?: number;
  fsyncIntervalMs?: number;
  logger: Logger;
  /** Frames already accepted could not be written (a disk error): they are lost. */
  onWriteFailed?: (topics: string[], error: unknown) => void;
}

/** A position in the spool: a segment and a byte offset in it. */
export interface SpoolPosition {
  readonly segment: number;
  readonly offset: number;
}

/** Messages read from the oldest segment; `commit(end)` once they are delivered. */
export interface SpoolBatch {
  readonly messages: SpooledMessage[];
  readonly end: SpoolPosition;
}

interface Segment {
  readonly seq: number;
  readonly file: string;
  size: number;
}

type WriteOp =
  | { kind: 'record'; frame: Buffer; topic: string }
  | { kind: 'seal'; done: () => void }
  | { kind: 'sync' };

const SEGMENT_FILE = /^(\d{12})\.seg$/;
const CURSOR_FILE = 'cursor';

export class DiskSpool {
  /** Oldest first; the last one is being written when `active` is set. */
  private readonly segments: Segment[] = [];
  private active: { segment: Segment; handle: FileHandle; dirty: boolean } | undefined;
  private nextSeq = 1;
  private cursor: SpoolPosition = { segment: 0, offset: 0 };
  private readonly ops: WriteOp[] = [];
  private writing: Promise<void> | undefined;
  private syncTimer: NodeJS.Timeout | undefined;
  private diskBytes = 0;
  private queuedBytes = 0;
  /** Frames appended and not yet written (or failed). */
  private unwritten = 0;
  private closed = false;
  private readonly segmentBytes: number;
  private readonly fsyncIntervalMs: number;

  private constructor(private readonly options: DiskSpoolOptions) {
    this.segmentBytes =
      options.segmentBytes ??
      Math.min(64 * 1024 * 1024, Math.max(4 * 1024, Math.floor(options.maxBytes / 16)));
    this.fsyncIntervalMs = options.fsyncIntervalMs ?? 1_000;
  }

  /** Opens (or creates) the spool folder and takes over what a previous process left. */
  static async open(options: DiskSpoolOptions): Promise<DiskSpool> {
    const spool = new DiskSpool(options);
    await spool.load();
    return spool;
  }

  /** Bytes held: segments on disk and frames waiting to be written. */
  get bytes(): number {
    return this.diskBytes + this.queuedBytes;
  }

  /** True when nothing is spooled, on disk or on its way there. */
  get isEmpty(): boolean {
    return this.segments.length === 0 && this.unwritten === 0;
  }

  /**
   * Queues a message for the spool and returns at once; false (and nothing queued)
   * when it would take the spool past its bound, or the spool is closed.
   */
  append(message: OutgoingMessage): boolean {
    if (this.closed) return false;
    const frame = encodeRecord(message);
    if (this.bytes + frame.length > this.options.maxBytes) return false;
    this.ops.push({ kind: 'record', frame, topic: message.topic });
    this.queuedBytes += frame.length;
    this.unwritten += 1;
    this.kick();
    return true;
  }

  /**
   * Reads the next messages from the oldest segment, from the last committed
   * position; when only the active segment holds data, it is sealed first. Returns
   * undefined when the spool is empty. Call `commit` before reading again.
   */
  async read(limits: { maxMessages: number; maxBytes: number }): Promise<SpoolBatch | undefined> {
    if (this.sealedCount() === 0) {
      if (this.isEmpty) return undefined;
      await this.seal();
      if (this.sealedCount() === 0) return undefined;
    }
    const segment = this.segments[0] as Segment;
    const start = this.cursor.segment === segment.seq ? this.cursor.offset : 0;
    const handle = await open(segment.file, 'r');
    try {
      return await this.readFrom(handle, segment, start, limits);
    } finally {
      await handle.close();
    }
  }

  /** Marks everything before `end` delivered: moves the cursor, or deletes a finished segment. */
  async commit(end: SpoolPosition): Promise<void> {
    const segment = this.segments[0];
    if (!segment || segment.seq !== end.segment || segment === this.active?.segment) return;
    if (end.offset >= segment.size) {
      await unlink(segment.file).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
      this.segments.shift();
      this.diskBytes -= segment.size;
      return;
    }
    this.cursor = end;
    // Written aside and renamed, so a crash leaves the old cursor or the new one.
    const file = path.join(this.options.dir, CURSOR_FILE);
    await writeFile(`${file}.tmp`, JSON.stringify(end));
    await rename(`${file}.tmp`, file);
  }

  /** Writes what is queued, fsyncs and closes the active segment; later appends are refused. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.syncTimer);
    await this.seal();
  }

  /** Writes what is queued so far and seals the active segment (fsynced, closed). */
  private seal(): Promise<void> {
    return new Promise((done) => {
      this.ops.push({ kind: 'seal', done });
      this.kick();
    });
  }

  private sealedCount(): number {
    return this.segments.length - (this.active ? 1 : 0);
  }

  private async load(): Promise<void> {
    const { dir } = this.options;
    await mkdir(dir, { recursive: true });
    const seqs = (await readdir(dir))
      .map((name) => SEGMENT_FILE.exec(name)?.[1])
      .filter((seq): seq is string => seq !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    for (const seq of seqs) {
      const file = this.segmentFile(seq);
      const { size } = await stat(file);
      this.segments.push({ seq, file, size });
      this.diskBytes += size;
    }
    try {
      const cursor = JSON.parse(await readFile(path.join(dir, CURSOR_FILE), 'utf8')) as unknown;
      if (isPosition(cursor)) this.cursor = cursor;
    } catch {
      // No cursor (or a damaged one): replay the oldest segment from its start.
    }
    // Never reuse a sequence number: the cursor of a segment since delivered and
    // deleted would apply to a new segment of that number (skipping its records).
    this.nextSeq = Math.max(seqs.at(-1) ?? 0, this.cursor.segment) + 1;
    if (this.segments.length > 0) {
      this.options.logger.info('spool holds events from an earlier run; replaying them', {
        dir,
        segments: this.segments.length,
        bytes: this.diskBytes,
      });
    }
  }

  private async readFrom(
    handle: FileHandle,
    segment: Segment,
    start: number,
    limits: { maxMessages: number; maxBytes: number },
  ): Promise<SpoolBatch> {
    const messages: SpooledMessage[] = [];
    let at = start;
    let base = start;
    let buffer = await readAt(handle, start, Math.min(limits.maxBytes, segment.size - start));
    while (messages.length < limits.maxMessages && at < segment.size) {
      const frame = readFrame(buffer, at - base);
      if (frame.kind === 'record') {
        messages.push(frame.message);
        at += frame.bytes;
        continue;
      }
      const fits = frame.kind === 'incomplete' && at + frame.needed <= segment.size;
      if (fits && messages.length > 0) break;
      if (fits) {
        // A record larger than the batch's byte limit: read it whole.
        buffer = await readAt(handle, at, frame.needed);
        base = at;
        continue;
      }
      // A torn record (a crash mid-write) or damage: nothing after it can be framed.
      this.options.logger.warn('skipping the damaged end of a spool segment', {
        file: segment.file,
        offset: at,
        bytes: segment.size - at,
        reason: frame.kind === 'corrupt' ? frame.reason : 'the last record is incomplete',
      });
      at = segment.size;
    }
    return { messages, end: { segment: segment.seq, offset: at } };
  }

  private kick(): void {
    if (this.writing) return;
    this.writing = this.drainOps().finally(() => {
      this.writing = undefined;
      if (this.ops.length > 0) this.kick();
    });
  }

  private async drainOps(): Promise<void> {
    for (let op = this.ops[0]; op; op = this.ops[0]) {
      if (op.kind === 'record') {
        await this.writeQueuedRecords();
        continue;
      }
      this.ops.shift();
      try {
        await (op.kind === 'seal' ? this.closeActive() : this.syncActive());
      } catch (error) {
        // Written data stays readable; what a failed fsync risks is a machine crash.
        this.options.logger.error(`could not ${op.kind} the event spool segment`, { error });
      } finally {
        if (op.kind === 'seal') op.done();
      }
    }
  }

  /**
   * Writes the queued frames at the head of the ops in one call: as many as fit in
   * the active segment, or in a new one when not even the first does.
   */
  private async writeQueuedRecords(): Promise<void> {
    const frames: Buffer[] = [];
    const topics: string[] = [];
    const first = this.ops[0] as { frame: Buffer };
    const used = this.active?.segment.size ?? 0;
    const rotate = used > 0 && used + first.frame.length > this.segmentBytes;
    const room = this.segmentBytes - (rotate ? 0 : used);
    let bytes = 0;
    for (let op = this.ops[0]; op?.kind === 'record'; op = this.ops[0]) {
      if (frames.length > 0 && bytes + op.frame.length > room) break;
      frames.push(op.frame);
      topics.push(op.topic);
      bytes += op.frame.length;
      this.ops.shift();
    }
    try {
      if (rotate) await this.closeActive();
      const active = this.active ?? (await this.openActive());
      await active.handle.writev(frames);
      active.segment.size += bytes;
      this.diskBytes += bytes;
      active.dirty = true;
      this.scheduleSync();
    } catch (error) {
      this.options.logger.error('could not write to the event spool', { error });
      this.options.onWriteFailed?.(topics, error);
      // The segment may end in a partial frame: seal it so later records start clean.
      await this.closeActive().catch(() => undefined);
    } finally {
      this.queuedBytes -= bytes;
      this.unwritten -= frames.length;
    }
  }

  private async openActive() {
    const seq = this.nextSeq++;
    const segment: Segment = { seq, file: this.segmentFile(seq), size: 0 };
    const handle = await open(segment.file, 'wx');
    // Make the new file's directory entry durable too.
    const dir = await open(this.options.dir, 'r');
    await dir.sync().finally(() => dir.close());
    this.segments.push(segment);
    this.active = { segment, handle, dirty: false };
    return this.active;
  }

  private async closeActive(): Promise<void> {
    const active = this.active;
    if (!active) return;
    this.active = undefined;
    try {
      if (active.dirty) await active.handle.sync();
    } finally {
      await active.handle.close();
      // After a failed write the file may hold more (or less) than was counted.
      const { size } = await stat(active.segment.file);
      this.diskBytes += size - active.segment.size;
      active.segment.size = size;
    }
  }

  private async syncActive(): Promise<void> {
    if (!this.active?.dirty) return;
    this.active.dirty = false;
    await this.active.handle.sync();
  }

  private scheduleSync(): void {
    if (this.syncTimer || this.closed) return;
    this.syncTimer = setTimeout(() => {
      this.syncTimer = undefined;
      this.ops.push({ kind: 'sync' });
      this.kick();
    }, this.fsyncIntervalMs).unref();
  }

  private segmentFile(seq: number): string {
    return path.join(this.options.dir, `${String(seq).padStart(12, '0')}.seg`);
  }
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

function isPosition(value: unknown): value is SpoolPosition {
  const v = value as Partial<SpoolPosition> | null;
  return Number.isSafeInteger(v?.segment) && Number.isSafeInteger(v?.offset);
}
