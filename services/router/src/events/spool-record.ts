/**
 * The spool's on-disk record: one Kafka message (topic, key, headers, value) in a
 * frame `[u32 payload length][u32 crc32 of payload][payload]`, little-endian. The
 * length lets a reader walk a segment; the checksum tells a torn or damaged record
 * (a crash in the middle of a write) from a good one.
 */
import { crc32 } from 'node:zlib';
import type { OutgoingMessage } from '@ballast/kafka';

/** A spooled message: what the producer needs to send it again. */
export interface SpooledMessage {
  topic: string;
  key: Buffer | null;
  value: Buffer;
  headers: Record<string, Buffer>;
}

export const FRAME_HEADER_BYTES = 8;
const FORMAT_VERSION = 1;
const NO_KEY = 0xffffffff;

/** The message's headers as single byte values (arrays keep their first value). */
function flatHeaders(headers: OutgoingMessage['headers']): [string, Buffer][] {
  const out: [string, Buffer][] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out.push([name, Buffer.from(first)]);
  }
  return out;
}

/** Frames a message for the spool. */
export function encodeRecord(message: OutgoingMessage): Buffer {
  const topic = Buffer.from(message.topic);
  const key = message.key == null ? undefined : Buffer.from(message.key);
  const headers = flatHeaders(message.headers).map(([n, v]) => [Buffer.from(n), v] as const);
  const value = message.value;
  const payloadBytes =
    1 +
    2 +
    topic.length +
    4 +
    (key?.length ?? 0) +
    2 +
    headers.reduce((n, [name, v]) => n + 2 + name.length + 4 + v.length, 0) +
    value.byteLength;
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payloadBytes);
  let at = FRAME_HEADER_BYTES;
  at = frame.writeUInt8(FORMAT_VERSION, at);
  at = frame.writeUInt16LE(topic.length, at);
  at += topic.copy(frame, at);
  at = frame.writeUInt32LE(key ? key.length : NO_KEY, at);
  if (key) at += key.copy(frame, at);
  at = frame.writeUInt16LE(headers.length, at);
  for (const [name, v] of headers) {
    at = frame.writeUInt16LE(name.length, at);
    at += name.copy(frame, at);
    at = frame.writeUInt32LE(v.length, at);
    at += v.copy(frame, at);
  }
  frame.set(value, at);
  const payload = frame.subarray(FRAME_HEADER_BYTES);
  frame.writeUInt32LE(payload.length, 0);
  frame.writeUInt32LE(crc32(payload), 4);
  return frame;
}

/** What a reader found at one offset of a segment. */
export type FrameRead =
  | { kind: 'record'; message: SpooledMessage; bytes: number }
  /** The frame runs past the bytes given: read more, or it is a torn tail. */
  | { kind: 'incomplete'; needed: number }
  | { kind: 'corrupt'; reason: string };

/** Reads the frame that starts at `offset` of `buffer`. */
export function readFrame(buffer: Buffer, offset: number): FrameRead {
  if (buffer.length - offset < FRAME_HEADER_BYTES)
    return { kind: 'incomplete', needed: FRAME_HEADER_BYTES };
  const length = buffer.readUInt32LE(offset);
  const needed = FRAME_HEADER_BYTES + length;
  if (buffer.length - offset < needed) return { kind: 'incomplete', needed };
  const payload = buffer.subarray(offset + FRAME_HEADER_BYTES, offset + needed);
  if (crc32(payload) !== buffer.readUInt32LE(offset + 4))
    return { kind: 'corrupt', reason: 'checksum mismatch' };
  try {
    return { kind: 'record', message: decodePayload(payload), bytes: needed };
  } catch (error) {
    return { kind: 'corrupt', reason: (error as Error).message };
  }
}

function decodePayload(payload: Buffer): SpooledMessage {
  let at = 0;
  const take = (n: number) => {
    if (at + n > payload.length) throw new Error('field runs past the record');
    const out = payload.subarray(at, at + n);
    at += n;
    return out;
  };
  const version = take(1).readUInt8(0);
  if (version !== FORMAT_VERSION) throw new Error(`unknown record format ${version}`);
  const topic = take(take(2).readUInt16LE(0)).toString();
  const keyLength = take(4).readUInt32LE(0);
  const key = keyLength === NO_KEY ? null : take(keyLength);
  const headers: Record<string, Buffer> = {};
  for (let count = take(2).readUInt16LE(0); count > 0; count -= 1) {
    const name = take(take(2).readUInt16LE(0)).toString();
    headers[name] = take(take(4).readUInt32LE(0));
  }
  return { topic, key, headers, value: payload.subarray(at) };
}
