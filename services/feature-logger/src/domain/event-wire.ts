/**
 * PredictionEvent and OutcomeEvent (proto/ballast/events/v1) decoded from their wire
 * bytes into plain fields, already in the shape of the table rows (names and values in
 * parallel lists). A string is not built: it is a `Text`, where its UTF-8 bytes are in
 * the event, which the row writer copies as they are. Field numbers are those of the
 * .proto; event-wire.spec.ts checks every field against @bufbuild/protobuf's
 * `fromBinary` on random events. As in protobuf, a missing field is its zero value, a
 * repeated scalar field keeps its last value, a repeated sub-message field merges, and
 * unknown fields are skipped.
 *
 * Decoding into the fields of an earlier event (`into`) reuses them, lists and all: the
 * fields are then valid until the next decode into them.
 */
import { WIRE, WireReader } from './wire-reader';

/** A string field: bytes [start, end) of the event (empty when both are 0). */
export interface Text {
  start: number;
  end: number;
}

/** Growable list of numbers (for values in parallel with names). */
export class Numbers {
  length = 0;
  private items = new Float64Array(16);

  at(i: number): number {
    return this.items[i]!;
  }

  push(value: number): void {
    if (this.length === this.items.length) {
      const grown = new Float64Array(this.length * 2);
      grown.set(this.items);
      this.items = grown;
    }
    this.items[this.length++] = value;
  }

  clear(): void {
    this.length = 0;
  }
}

/** Growable list of Texts, held as pairs of numbers. */
export class Texts {
  private readonly bounds = new Numbers();

  get length(): number {
    return this.bounds.length / 2;
  }

  start(i: number): number {
    return this.bounds.at(2 * i);
  }

  end(i: number): number {
    return this.bounds.at(2 * i + 1);
  }

  push(start: number, end: number): void {
    this.bounds.push(start);
    this.bounds.push(end);
  }

  clear(): void {
    this.bounds.clear();
  }
}

/** The fields both events have, under the same numbers. */
interface EventHeader {
  /** The event's wire bytes, which the Texts point into. */
  bytes: Buffer;
  eventId: Text;
  /** google.protobuf.Timestamp; its 64-bit seconds as a number (exact to 2^53). */
  hasTime: boolean;
  seconds: number;
  nanos: number;
  hasModel: boolean;
  modelName: Text;
  modelVersion: Text;
  deployment: Text;
  requestId: Text;
  unitId: Text;
}

export interface PredictionFields extends EventHeader {
  experimentId: Text;
  variant: Text;
  role: number;
  numericNames: Texts;
  numericValues: Numbers;
  categoricalNames: Texts;
  categoricalValues: Texts;
  outputNames: Texts;
  /** Every output's values, one after the other... */
  outputValues: Numbers;
  /** ...up to the index where each output's end. */
  outputEnds: Numbers;
  latencyMs: number;
  /** Empty when the request was answered, else the gRPC status code name. */
  errorCode: Text;
}

export interface OutcomeFields extends EventHeader {
  metric: Text;
  value: number;
}

const text = (): Text => ({ start: 0, end: 0 });

function clear(field: Text): void {
  field.start = field.end = 0;
}

function header(bytes: Buffer): EventHeader {
  return {
    bytes,
    eventId: text(),
    hasTime: false,
    seconds: 0,
    nanos: 0,
    hasModel: false,
    modelName: text(),
    modelVersion: text(),
    deployment: text(),
    requestId: text(),
    unitId: text(),
  };
}

function resetHeader(event: EventHeader, bytes: Buffer): void {
  event.bytes = bytes;
  clear(event.eventId);
  clear(event.modelName);
  clear(event.modelVersion);
  clear(event.deployment);
  clear(event.requestId);
  clear(event.unitId);
  event.hasTime = event.hasModel = false;
  event.seconds = event.nanos = 0;
}

function readText(r: WireReader, tag: number, into: Text): void {
  r.expect(tag & 7, WIRE.delimited);
  into.start = r.utf8();
  into.end = r.pos;
}

function readDouble(r: WireReader, tag: number): number {
  r.expect(tag & 7, WIRE.fixed64);
  return r.double();
}

function timestamp(r: WireReader, event: EventHeader): void {
  const outer = r.enter();
  for (let tag = r.tag(); tag !== 0; tag = r.tag()) {
    if (tag === ((1 << 3) | WIRE.varint)) event.seconds = r.int64();
    else if (tag === ((2 << 3) | WIRE.varint)) event.nanos = r.varint() | 0;
    else r.skip(tag);
  }
  r.leave(outer);
  event.hasTime = true;
}

function model(r: WireReader, event: EventHeader): void {
  const outer = r.enter();
  for (let tag = r.tag(); tag !== 0; tag = r.tag()) {
    const field = tag >>> 3;
    if (field === 1) readText(r, tag, event.modelName);
    else if (field === 2) readText(r, tag, event.modelVersion);
    else if (field === 3) readText(r, tag, event.deployment);
    else r.skip(tag);
  }
  r.leave(outer);
  event.hasModel = true;
}

// One scratch Text for the sub-messages' names and string values, read one at a time.
const scratch = { name: text(), value: text() };

/** NumericFeature: name = 1, value = 2. */
function numericFeature(r: WireReader, event: PredictionFields): void {
  const outer = r.enter();
  const name = scratch.name;
  clear(name);
  let value = 0;
  for (let tag = r.tag(); tag !== 0; tag = r.tag()) {
    const field = tag >>> 3;
    if (field === 1) readText(r, tag, name);
    else if (field === 2) value = readDouble(r, tag);
    else r.skip(tag);
  }
  r.leave(outer);
  event.numericNames.push(name.start, name.end);
  event.numericValues.push(value);
}

/** CategoricalFeature: name = 1, value = 2. */
function categoricalFeature(r: WireReader, event: PredictionFields): void {
  const outer = r.enter();
  const { name, value } = scratch;
  clear(name);
  clear(value);
  for (let tag = r.tag(); tag !== 0; tag = r.tag()) {
    const field = tag >>> 3;
    if (field === 1) readText(r, tag, name);
    else if (field === 2) readText(r, tag, value);
    else r.skip(tag);
  }
  r.leave(outer);
  event.categoricalNames.push(name.start, name.end);
  event.categoricalValues.push(value.start, value.end);
}

/** Output: name = 1, values = 2 (repeated double). */
function output(r: WireReader, event: PredictionFields): void {
  const outer = r.enter();
  const name = scratch.name;
  clear(name);
  for (let tag = r.tag(); tag !== 0; tag = r.tag()) {
    const field = tag >>> 3;
    if (field === 1) readText(r, tag, name);
    else if (field === 2) r.doubles(tag & 7, event.outputValues);
    else r.skip(tag);
  }
  r.leave(outer);
  event.outputNames.push(name.start, name.end);
  event.outputEnds.push(event.outputValues.length);
}

/** Fields 1 to 5, numbered alike in both events; false for any other field. */
function headerField(r: WireReader, tag: number, event: EventHeader): boolean {
  switch (tag >>> 3) {
    case 1:
      readText(r, tag, event.eventId);
      return true;
    case 2:
      r.expect(tag & 7, WIRE.delimited);
      timestamp(r, event);
      return true;
    case 3:
      r.expect(tag & 7, WIRE.delimited);
      model(r, event);
      return true;
    case 4:
      readText(r, tag, event.requestId);
      return true;
    case 5:
      readText(r, tag, event.unitId);
      return true;
    default:
      return false;
  }
}

function emptyPrediction(bytes: Buffer): PredictionFields {
  return {
    ...header(bytes),
    experimentId: text(),
    variant: text(),
    role: 0,
    numericNames: new Texts(),
    numericValues: new Numbers(),
    categoricalNames: new Texts(),
    categoricalValues: new Texts(),
    outputNames: new Texts(),
    outputValues: new Numbers(),
    outputEnds: new Numbers(),
    latencyMs: 0,
    errorCode: text(),
  };
}

function resetPrediction(event: PredictionFields, bytes: Buffer): void {
  resetHeader(event, bytes);
  clear(event.experimentId);
  clear(event.variant);
  clear(event.errorCode);
  event.role = event.latencyMs = 0;
  event.numericNames.clear();
  event.numericValues.clear();
  event.categoricalNames.clear();
  event.categoricalValues.clear();
  event.outputNames.clear();
  event.outputValues.clear();
  event.outputEnds.clear();
}

/**
 * Throws WireFormatError for bytes that are not a PredictionEvent's wire form.
 * `into`: the fields of an earlier event, reused.
 */
export function decodePrediction(bytes: Buffer, into?: PredictionFields): PredictionFields {
  const event = into ?? emptyPrediction(bytes);
  if (into) resetPrediction(event, bytes);
  const r = new WireReader(bytes);
  for (let tag = r.tag(); tag !== 0; tag = r.tag()) {
    if (headerField(r, tag, event)) continue;
    switch (tag >>> 3) {
      case 6:
        readText(r, tag, event.experimentId);
        break;
      case 7:
        readText(r, tag, event.variant);
        break;
      case 8:
        r.expect(tag & 7, WIRE.varint);
        event.role = r.varint() | 0;
        break;
      case 9:
        r.expect(tag & 7, WIRE.delimited);
        numericFeature(r, event);
        break;
      case 10:
        r.expect(tag & 7, WIRE.delimited);
        categoricalFeature(r, event);
        break;
      case 11:
        r.expect(tag & 7, WIRE.delimited);
        output(r, event);
        break;
      case 12:
        event.latencyMs = readDouble(r, tag);
        break;
      case 13:
        readText(r, tag, event.errorCode);
        break;
      default:
        r.skip(tag);
    }
  }
  return event;
}

/**
 * Throws WireFormatError for bytes that are not an OutcomeEvent's wire form.
 * `into`: the fields of an earlier event, reused.
 */
export function decodeOutcome(bytes: Buffer, into?: OutcomeFields): OutcomeFields {
  const event = into ?? { ...header(bytes), metric: text(), value: 0 };
  if (into) {
    resetHeader(event, bytes);
    clear(event.metric);
    event.value = 0;
  }
  const r = new WireReader(bytes);
  for (let tag = r.tag(); tag !== 0; tag = r.tag()) {
    if (headerField(r, tag, event)) continue;
    switch (tag >>> 3) {
      case 6:
        readText(r, tag, event.metric);
        break;
      case 7:
        event.value = readDouble(r, tag);
        break;
      default:
        r.skip(tag);
    }
  }
  return event;
}
