/**
 * Rows in ClickHouse's RowBinary format (the same on 18.16 and current releases): each
 * column's value in the order of the INSERT's column list, little-endian, strings and
 * arrays prefixed by their length as a LEB128 varint. The rows are written one after
 * the other into large buffers outside the JS heap, and a row is where its bytes are:
 * the logger holds tens of thousands of rows while it gathers and retries inserts, and
 * as strings or row objects they made most of its garbage-collection work; an insert's
 * body is then the few runs of adjacent rows (`chunksOf`), not a copy.
 */

/** A row's bytes: buffer[start, end). */
export interface RowBytes {
  readonly buffer: Buffer;
  readonly start: number;
  readonly end: number;
}

/** The rows' bytes in order, as few buffers as possible: adjacent rows make one. */
export function chunksOf(rows: readonly RowBytes[]): Buffer[] {
  const chunks: Buffer[] = [];
  let run: { buffer: Buffer; start: number; end: number } | undefined;
  for (const row of rows) {
    if (run?.buffer === row.buffer && run.end === row.start) run.end = row.end;
    else {
      if (run) chunks.push(run.buffer.subarray(run.start, run.end));
      run = { ...row };
    }
  }
  if (run) chunks.push(run.buffer.subarray(run.start, run.end));
  return chunks;
}

/** Size of the buffers rows are written into (a larger row gets a buffer of its own). */
const SLAB_BYTES = 1024 * 1024;
// Below this length a JS loop beats a call into the native copy.
const LOOP_COPY_MAX = 32;

const viewOf = (buffer: Buffer) => new DataView(buffer.buffer, buffer.byteOffset, buffer.length);

export class RowBinaryWriter {
  private slab = Buffer.allocUnsafe(SLAB_BYTES);
  // Doubles written through a DataView: cheaper than Buffer's writeDoubleLE.
  private view = viewOf(this.slab);
  private pos = 0;
  private start = 0;

  /** Starts a row. */
  begin(): void {
    this.start = this.pos;
  }

  /** Ends the row; returns where its bytes are (they stay there). */
  end(): RowBytes {
    return { buffer: this.slab, start: this.start, end: this.pos };
  }

  /** LEB128, as RowBinary prefixes strings and arrays with. */
  varint(value: number): void {
    this.room(5);
    const slab = this.slab;
    for (; value > 0x7f; value >>>= 7) slab[this.pos++] = (value & 0x7f) | 0x80;
    slab[this.pos++] = value;
  }

  /** UInt8, or Int8 / Enum8 given as 0..255. */
  uint8(value: number): void {
    this.room(1);
    this.slab[this.pos++] = value;
  }

  uint16(value: number): void {
    this.room(2);
    this.pos = this.slab.writeUInt16LE(value, this.pos);
  }

  /** UInt32, and DateTime (seconds since the epoch). */
  uint32(value: number): void {
    this.room(4);
    this.pos = this.slab.writeUInt32LE(value, this.pos);
  }

  float64(value: number): void {
    this.room(8);
    this.view.setFloat64(this.pos, value, true);
    this.pos += 8;
  }

  /** A String whose UTF-8 bytes are source[start, end). */
  string(source: Buffer, start: number, end: number): void {
    const length = end - start;
    this.room(5 + length);
    this.varint(length);
    if (length > LOOP_COPY_MAX) {
      source.copy(this.slab, this.pos, start, end);
      this.pos += length;
      return;
    }
    const slab = this.slab;
    for (let i = start; i < end; i += 1) slab[this.pos++] = source[i]!;
  }

  /** Makes room for `bytes` more in this row: a new buffer, with the row so far, if full. */
  private room(bytes: number): void {
    if (this.pos + bytes <= this.slab.length) return;
    const row = this.slab.subarray(this.start, this.pos);
    this.slab = Buffer.allocUnsafe(Math.max(SLAB_BYTES, 2 * (row.length + bytes)));
    this.view = viewOf(this.slab);
    row.copy(this.slab, 0);
    this.start = 0;
    this.pos = row.length;
  }
}
