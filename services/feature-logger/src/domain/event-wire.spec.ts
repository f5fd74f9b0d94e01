import {
  OutcomeEventSchema,
  PredictionEventSchema,
  type OutcomeEvent,
  type PredictionEvent,
} from '@ballast/contracts';
import { create, fromBinary, toBinary, type DescMessage } from '@bufbuild/protobuf';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import {
  decodeOutcome,
  decodePrediction,
  type Numbers,
  type OutcomeFields,
  type PredictionFields,
  type Text,
  type Texts,
} from './event-wire';
import { WireFormatError } from './wire-reader';

// A seeded generator, so a failure can be replayed.
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]) => items[int(items.length)]!;
  const text = () =>
    pick([
      '',
      'a',
      'f0',
      'mean_radius',
      'é ü "quoted" \\ back',
      '日本語',
      '😀 emoji',
      'x'.repeat(40),
    ]);
  const double = () =>
    pick([0, -0, 1, -1.5, 0.1, 1e-300, 1.7976931348623157e308, NaN, Infinity, -Infinity, next()]);
  return { int, pick, text, double };
}

const model = (m: { name: string; version: string; deployment: string } | undefined) =>
  m && { name: m.name, version: m.version, deployment: m.deployment };
const time = (t: { seconds: bigint; nanos: number } | undefined) =>
  t && { seconds: Number(t.seconds), nanos: t.nanos };

const header = (event: PredictionEvent | OutcomeEvent) => ({
  eventId: event.eventId,
  eventTime: time(event.eventTime),
  model: model(event.model),
  requestId: event.requestId,
  unitId: event.unitId,
});

// The decoded fields with their texts read and their lists as arrays, to compare with
// what fromBinary reads.
const list = <T>(length: number, at: (i: number) => T) => Array.from({ length }, (_, i) => at(i));
const numbers = (values: Numbers) => list(values.length, (i) => values.at(i));

function readable(event: PredictionFields | OutcomeFields) {
  const text = ({ start, end }: Text) => event.bytes.toString('utf8', start, end);
  const texts = (t: Texts) => list(t.length, (i) => text({ start: t.start(i), end: t.end(i) }));
  const fields = {
    eventId: text(event.eventId),
    eventTime: event.hasTime ? { seconds: event.seconds, nanos: event.nanos } : undefined,
    model: event.hasModel
      ? {
          name: text(event.modelName),
          version: text(event.modelVersion),
          deployment: text(event.deployment),
        }
      : undefined,
    requestId: text(event.requestId),
    unitId: text(event.unitId),
  };
  if (!('role' in event)) return { ...fields, metric: text(event.metric), value: event.value };
  const ends = [0, ...numbers(event.outputEnds)];
  return {
    ...fields,
    experimentId: text(event.experimentId),
    variant: text(event.variant),
    role: event.role,
    numericNames: texts(event.numericNames),
    numericValues: numbers(event.numericValues),
    categoricalNames: texts(event.categoricalNames),
    categoricalValues: texts(event.categoricalValues),
    outputNames: texts(event.outputNames),
    outputValues: list(ends.length - 1, (i) =>
      numbers(event.outputValues).slice(ends[i], ends[i + 1]),
    ),
    latencyMs: event.latencyMs,
    errorCode: text(event.errorCode),
  };
}

/** What decodePrediction must return for a message fromBinary read. */
function expectedPrediction(event: PredictionEvent) {
  return {
    ...header(event),
    experimentId: event.experimentId,
    variant: event.variant,
    role: event.role,
    numericNames: event.numericFeatures.map((f) => f.name),
    numericValues: event.numericFeatures.map((f) => f.value),
    categoricalNames: event.categoricalFeatures.map((f) => f.name),
    categoricalValues: event.categoricalFeatures.map((f) => f.value),
    outputNames: event.outputs.map((o) => o.name),
    outputValues: event.outputs.map((o) => o.values),
    latencyMs: event.latencyMs,
    errorCode: event.errorCode,
  };
}

function expectedOutcome(event: OutcomeEvent) {
  return {
    ...header(event),
    metric: event.metric,
    value: event.value,
  };
}

function randomPrediction(seed: number): PredictionEvent {
  const r = random(seed);
  const maybe = <T>(value: T) => (r.int(4) === 0 ? undefined : value);
  return create(PredictionEventSchema, {
    eventId: r.text(),
    eventTime: maybe({ seconds: BigInt(r.int(4e9) - 1e9), nanos: r.int(1e9) }),
    model: maybe({ name: r.text(), version: r.text(), deployment: r.text() }),
    requestId: r.text(),
    unitId: r.text(),
    experimentId: r.text(),
    variant: r.text(),
    role: r.pick([0, 1, 2, 7, -3]),
    numericFeatures: Array.from({ length: r.int(12) }, () => ({
      name: r.text(),
      value: r.double(),
    })),
    categoricalFeatures: Array.from({ length: r.int(4) }, () => ({
      name: r.text(),
      value: r.text(),
    })),
    outputs: Array.from({ length: r.int(3) }, () => ({
      name: r.text(),
      values: Array.from({ length: r.int(4) }, () => r.double()),
    })),
    latencyMs: r.double(),
    errorCode: r.pick(['', '', 'UNAVAILABLE', 'DEADLINE_EXCEEDED', r.text()]),
  });
}

function randomOutcome(seed: number): OutcomeEvent {
  const r = random(seed);
  return create(OutcomeEventSchema, {
    eventId: r.text(),
    eventTime: r.int(4) === 0 ? undefined : { seconds: BigInt(r.int(4e9)), nanos: r.int(1e9) },
    model: r.int(2) === 0 ? undefined : { name: r.text(), version: r.text(), deployment: '' },
    requestId: r.text(),
    unitId: r.text(),
    metric: r.text(),
    value: r.double(),
  });
}

const bytes = <D extends DescMessage>(schema: D, message: Parameters<typeof toBinary<D>>[1]) =>
  Buffer.from(toBinary(schema, message));

it('decodes 2,000 random prediction events exactly as fromBinary does, fresh or reused', () => {
  let reused: PredictionFields | undefined;
  for (let seed = 1; seed <= 2_000; seed += 1) {
    const wire = bytes(PredictionEventSchema, randomPrediction(seed));
    const expected = expectedPrediction(fromBinary(PredictionEventSchema, wire));
    expect(readable(decodePrediction(wire))).toEqual(expected);
    reused = decodePrediction(wire, reused);
    expect(readable(reused)).toEqual(expected);
  }
});

it('decodes 1,000 random outcome events exactly as fromBinary does, fresh or reused', () => {
  let reused: OutcomeFields | undefined;
  for (let seed = 1; seed <= 1_000; seed += 1) {
    const wire = bytes(OutcomeEventSchema, randomOutcome(seed));
    const expected = expectedOutcome(fromBinary(OutcomeEventSchema, wire));
    expect(readable(decodeOutcome(wire))).toEqual(expected);
    reused = decodeOutcome(wire, reused);
    expect(readable(reused)).toEqual(expected);
  }
});

it('reads what other encoders may write: unpacked doubles, unknown fields, repeated fields merged', () => {
  const w = new BinaryWriter();
  w.tag(1, WireType.LengthDelimited).string('first-id');
  w.tag(1, WireType.LengthDelimited).string('e-1'); // the last value wins
  w.tag(3, WireType.LengthDelimited).fork().tag(1, WireType.LengthDelimited).string('m').join();
  w.tag(3, WireType.LengthDelimited).fork().tag(2, WireType.LengthDelimited).string('2').join();
  w.tag(2, WireType.LengthDelimited).fork().tag(1, WireType.Varint).int64(1_700_000_000).join();
  w.tag(2, WireType.LengthDelimited).fork().tag(2, WireType.Varint).int32(5_000_000).join();
  w.tag(11, WireType.LengthDelimited)
    .fork()
    .tag(1, WireType.LengthDelimited)
    .string('p')
    .tag(2, WireType.Bit64)
    .double(0.25)
    .tag(2, WireType.Bit64)
    .double(0.75)
    .join();
  w.tag(99, WireType.Varint).uint64(12345); // a field from a newer producer
  w.tag(98, WireType.LengthDelimited).string('unknown');
  w.tag(97, WireType.Bit32).fixed32(1);
  w.tag(96, WireType.StartGroup).tag(1, WireType.Varint).int32(3).tag(96, WireType.EndGroup);
  w.tag(8, WireType.Varint).int32(-1); // an enum value from a newer producer, negative
  w.tag(13, WireType.LengthDelimited).string('UNAVAILABLE');
  const wire = Buffer.from(w.finish());
  expect(readable(decodePrediction(wire))).toEqual(
    expectedPrediction(fromBinary(PredictionEventSchema, wire)),
  );
  expect(readable(decodePrediction(wire))).toMatchObject({
    eventId: 'e-1',
    model: { name: 'm', version: '2' },
    eventTime: { seconds: 1_700_000_000, nanos: 5_000_000 },
    outputValues: [[0.25, 0.75]],
    role: -1,
    errorCode: 'UNAVAILABLE',
  });
});

it('refuses what fromBinary refuses: truncated messages and invalid UTF-8', () => {
  const wire = bytes(PredictionEventSchema, randomPrediction(42));
  for (let length = 1; length < wire.length; length += 1) {
    const cut = wire.subarray(0, length);
    let theirs: unknown;
    try {
      fromBinary(PredictionEventSchema, cut);
    } catch (error) {
      theirs = error;
    }
    // A cut at a field boundary is a valid, shorter message for both.
    if (theirs) expect(() => decodePrediction(cut)).toThrow(WireFormatError);
    else
      expect(readable(decodePrediction(cut))).toEqual(
        expectedPrediction(fromBinary(PredictionEventSchema, cut)),
      );
  }
  const badUtf8 = Buffer.from([0x0a, 0x02, 0xc3, 0x28]); // event_id = C3 28
  expect(() => fromBinary(PredictionEventSchema, badUtf8)).toThrow();
  expect(() => decodePrediction(badUtf8)).toThrow(/invalid UTF-8/);
  expect(() => decodePrediction(Buffer.from([0x00]))).toThrow(/field number 0/);
});
