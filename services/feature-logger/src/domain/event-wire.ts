/**
 * PredictionEvent and OutcomeEvent (proto/ballast/events/v1) decoded from their wire
 * bytes into plain fields, already in the shape of the table rows (names and values in
 * parallel arrays). Field numbers are those of the .proto; event-wire.spec.ts checks
 * every field against @bufbuild/protobuf's `fromBinary` on random events. As in
 * protobuf, a missing field is its zero value, a repeated scalar field keeps its last
 * value, a repeated sub-message field merges, and unknown fields are skipped.
 */
import { WIRE, WireReader } from './wire-reader';

export interface ModelFields {
  name: string;
  version: string;
  deployment: string;
}

/** google.protobuf.Timestamp, its 64-bit seconds as a number (exact to 2^53). */
export interface Timestamp {
  seconds: number;
  nanos: number;
}

/** The fields both events have, under the same numbers. */
interface EventHeader {
  eventId: string;
  /** Undefined when the event has no time. */
  eventTime: Timestamp | undefined;
  model: ModelFields | undefined;
  requestId: string;
  unitId: string;
}

export interface PredictionFields extends EventHeader {
  experimentId: string;
  variant: string;
  role: number;
  numericNames: string[];
  numericValues: number[];
  categoricalNames: string[];
  categoricalValues: string[];
  outputNames: string[];
  outputValues: number[][];
  latencyMs: number;
  /** Empty when the request was answered, else the gRPC status code name. */
  errorCode: string;
}

export interface OutcomeFields extends EventHeader {
  metric: string;
  value: number;
}

/** Runs `read` over the sub-message that starts here, then moves past it. */
function inside<T>(r: WireReader, read: (r: WireReader) => T): T {
  const start = r.delimited();
  const [after, outer] = [r.pos, r.end];
  r.pos = start;
  r.end = after;
  const value = read(r);
  r.end = outer;
  return value;
}

function stringField(r: WireReader, tag: number): string {
  r.expect(tag & 7, WIRE.delimited);
  return r.string();
}

function timestamp(r: WireReader, into: Timestamp = { seconds: 0, nanos: 0 }): Timestamp {
  for (let tag = r.tag(); tag !== 0; tag = r.tag()) {
    if (tag === ((1 << 3) | WIRE.varint)) into.seconds = r.int64();
    else if (tag === ((2 << 3) | WIRE.varint)) into.nanos = r.varint() | 0;
    else r.skip(tag);
  }
  return into;
}

function model(r: WireReader, into: ModelFields = { name: '', version: '', deployment: '' }) {
  for (let tag = r.tag(); tag !== 0; tag = r.tag()) {
    const field = tag >>> 3;
    if (field === 1) into.name = stringField(r, tag);
    else if (field === 2) into.version = stringField(r, tag);
    else if (field === 3) into.deployment = stringField(r, tag);
    else r.skip(tag);
  }
  return into;
}

/** NumericFeature / CategoricalFeature: name = 1, value = 2, pushed in parallel. */
function namedValue<V>(
  r: WireReader,
  names: string[],
  values: V[],
  zero: V,
  readValue: (r: WireReader, tag: number) => V,
): void {
  let name = '';
  let value = zero;
  for (let tag = r.tag(); tag !== 0; tag = r.tag()) {
    const field = tag >>> 3;
    if (field === 1) name = stringField(r, tag);
    else if (field === 2) value = readValue(r, tag);
    else r.skip(tag);
  }
  names.push(name);
  values.push(value);
}

const doubleField = (r: WireReader, tag: number) => {
  r.expect(tag & 7, WIRE.fixed64);
  return r.double();
};

function output(r: WireReader, names: string[], values: number[][]): void {
  let name = '';
  const outputs: number[] = [];
  for (let tag = r.tag(); tag !== 0; tag = r.tag()) {
    const field = tag >>> 3;
    if (field === 1) name = stringField(r, tag);
    else if (field === 2) r.doubles(tag & 7, outputs);
    else r.skip(tag);
  }
  names.push(name);
  values.push(outputs);
}

/** Fields 1 to 5, numbered alike in both events; false for any other field. */
function headerField(r: WireReader, tag: number, event: EventHeader): boolean {
  switch (tag >>> 3) {
    case 1:
      event.eventId = stringField(r, tag);
      return true;
    case 2:
      r.expect(tag & 7, WIRE.delimited);
      event.eventTime = inside(r, (t) => timestamp(t, event.eventTime));
      return true;
    case 3:
      r.expect(tag & 7, WIRE.delimited);
      event.model = inside(r, (m) => model(m, event.model));
      return true;
    case 4:
      event.requestId = stringField(r, tag);
      return true;
    case 5:
      event.unitId = stringField(r, tag);
      return true;
    default:
      return false;
  }
}

/** Throws WireFormatError for bytes that are not a PredictionEvent's wire form. */
export function decodePrediction(bytes: Buffer): PredictionFields {
  const r = new WireReader(bytes);
  const event: PredictionFields = {
    eventId: '',
    eventTime: undefined,
    model: undefined,
    requestId: '',
    unitId: '',
    experimentId: '',
    variant: '',
    role: 0,
    numericNames: [],
    numericValues: [],
    categoricalNames: [],
    categoricalValues: [],
    outputNames: [],
    outputValues: [],
    latencyMs: 0,
    errorCode: '',
  };
  for (let tag = r.tag(); tag !== 0; tag = r.tag()) {
    if (headerField(r, tag, event)) continue;
    switch (tag >>> 3) {
      case 6:
        event.experimentId = stringField(r, tag);
        break;
      case 7:
        event.variant = stringField(r, tag);
        break;
      case 8:
        r.expect(tag & 7, WIRE.varint);
        event.role = r.varint() | 0;
        break;
      case 9:
        r.expect(tag & 7, WIRE.delimited);
        inside(r, (f) => namedValue(f, event.numericNames, event.numericValues, 0, doubleField));
        break;
      case 10:
        r.expect(tag & 7, WIRE.delimited);
        inside(r, (f) =>
          namedValue(f, event.categoricalNames, event.categoricalValues, '', stringField),
        );
        break;
      case 11:
        r.expect(tag & 7, WIRE.delimited);
        inside(r, (o) => output(o, event.outputNames, event.outputValues));
        break;
      case 12:
        event.latencyMs = doubleField(r, tag);
        break;
      case 13:
        event.errorCode = stringField(r, tag);
        break;
      default:
        r.skip(tag);
    }
  }
  return event;
}

/** Throws WireFormatError for bytes that are not an OutcomeEvent's wire form. */
export function decodeOutcome(bytes: Buffer): OutcomeFields {
  const r = new WireReader(bytes);
  const event: OutcomeFields = {
    eventId: '',
    eventTime: undefined,
    model: undefined,
    requestId: '',
    unitId: '',
    metric: '',
    value: 0,
  };
  for (let tag = r.tag(); tag !== 0; tag = r.tag()) {
    if (headerField(r, tag, event)) continue;
    switch (tag >>> 3) {
      case 6:
        event.metric = stringField(r, tag);
        break;
      case 7:
        event.value = doubleField(r, tag);
        break;
      default:
        r.skip(tag);
    }
  }
  return event;
}
