import type { InferTensorContents, ModelInferRequest } from '@ballast/contracts';
import {
  ITEM_SIZE,
  TensorError,
  elementCount,
  isDatatype,
  type Datatype,
  type Tensor,
  type TensorData,
  type TensorSpec,
} from './tensor';

export interface DecodeOptions {
  /** Accept NaN and ±Infinity in float inputs (the manifest's allowNonFinite). */
  allowNonFinite: boolean;
  /** Largest number of elements one input may carry. */
  maxElements: number;
}

/** The `contents` field that carries each datatype, by its protobuf name. */
const CONTENTS_FIELD: Record<
  Datatype,
  { field: keyof InferTensorContents & string; proto: string }
> = {
  BOOL: { field: 'boolContents', proto: 'bool_contents' },
  INT32: { field: 'intContents', proto: 'int_contents' },
  INT64: { field: 'int64Contents', proto: 'int64_contents' },
  FP32: { field: 'fp32Contents', proto: 'fp32_contents' },
  FP64: { field: 'fp64Contents', proto: 'fp64_contents' },
  BYTES: { field: 'bytesContents', proto: 'bytes_contents' },
};

/**
 * Decodes and checks a request's input tensors against the model's input specs:
 * every declared input present once and no other, datatype and shape as declared
 * (-1 matches any size), element count matching the shape, data either all typed
 * `contents` or all `raw_input_contents`, finite floats unless allowed. Returns the
 * tensors in spec order, or throws a {@link TensorError} naming the field.
 */
export function decodeInputs(
  request: ModelInferRequest,
  specs: readonly TensorSpec[],
  options: DecodeOptions,
): Tensor[] {
  const raw = request.rawInputContents;
  if (raw.length > 0 && raw.length !== request.inputs.length) {
    throw new TensorError(
      'raw_input_contents',
      `has ${raw.length} entries for ${request.inputs.length} inputs: give one per input, in order`,
    );
  }
  const byName = new Map<string, number>();
  request.inputs.forEach((input, i) => {
    if (byName.has(input.name))
      throw new TensorError(`inputs[${i}].name`, `"${input.name}" is given twice`);
    if (!specs.some((s) => s.name === input.name)) {
      throw new TensorError(
        `inputs[${i}].name`,
        `unknown input "${input.name}"; the model takes ${specs.map((s) => `"${s.name}"`).join(', ')}`,
      );
    }
    byName.set(input.name, i);
  });
  return specs.map((spec) => {
    const index = byName.get(spec.name);
    if (index === undefined) throw new TensorError('inputs', `missing input "${spec.name}"`);
    const input = request.inputs[index]!;
    const field = `inputs["${spec.name}"]`;
    if (input.datatype !== spec.datatype) {
      throw new TensorError(
        `${field}.datatype`,
        `must be ${spec.datatype}, got "${input.datatype}"`,
      );
    }
    if (!isDatatype(input.datatype))
      throw new TensorError(`${field}.datatype`, `${input.datatype} is not supported`);
    const shape = input.shape.map(Number);
    checkShape(field, shape, spec.shape);
    const count = elementCount(shape);
    if (count > options.maxElements) {
      throw new TensorError(
        `${field}.shape`,
        `${count} elements is over the limit of ${options.maxElements}`,
      );
    }
    const data =
      raw.length > 0
        ? fromRaw(spec.name, input.datatype, raw[index]!, count, input.contents)
        : fromContents(field, input.datatype, input.contents, count);
    if (!options.allowNonFinite && (data instanceof Float32Array || data instanceof Float64Array)) {
      const bad = data.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0)
        throw new TensorError(
          `${field}`,
          `element ${bad} is ${data[bad]}; this model accepts finite numbers only`,
        );
    }
    return { name: spec.name, datatype: input.datatype, shape, data };
  });
}

function checkShape(field: string, shape: number[], declared: readonly number[]): void {
  if (shape.length !== declared.length) {
    throw new TensorError(
      `${field}.shape`,
      `must have ${declared.length} dimensions [${declared.join(', ')}], got [${shape.join(', ')}]`,
    );
  }
  shape.forEach((d, i) => {
    if (!Number.isSafeInteger(d) || d < 0)
      throw new TensorError(`${field}.shape[${i}]`, `must be a non-negative integer, got ${d}`);
    const want = declared[i]!;
    if (want !== -1 && d !== want)
      throw new TensorError(`${field}.shape[${i}]`, `must be ${want}, got ${d}`);
  });
}

function fromContents(
  field: string,
  datatype: Datatype,
  contents: InferTensorContents | undefined,
  count: number,
): TensorData {
  const { field: key, proto } = CONTENTS_FIELD[datatype];
  const values = (contents?.[key] ?? []) as ArrayLike<unknown>;
  for (const [otherType, other] of Object.entries(CONTENTS_FIELD)) {
    if (
      otherType !== datatype &&
      ((contents?.[other.field] ?? []) as ArrayLike<unknown>).length > 0
    ) {
      throw new TensorError(
        `${field}.contents.${other.proto}`,
        `is set, but a ${datatype} tensor's data goes in ${proto}`,
      );
    }
  }
  if (values.length !== count) {
    throw new TensorError(
      `${field}.contents.${proto}`,
      `has ${values.length} elements; the shape needs ${count}`,
    );
  }
  switch (datatype) {
    case 'FP32':
      return Float32Array.from(values as number[]);
    case 'FP64':
      return Float64Array.from(values as number[]);
    case 'INT32':
      return Int32Array.from(values as number[]);
    case 'INT64':
      return BigInt64Array.from(values as bigint[]);
    case 'BOOL':
      return Uint8Array.from(values as boolean[], (b) => (b ? 1 : 0));
    case 'BYTES':
      return Array.from(values as Uint8Array[]);
  }
}

function fromRaw(
  name: string,
  datatype: Datatype,
  bytes: Uint8Array,
  count: number,
  contents: InferTensorContents | undefined,
): TensorData {
  const field = `raw_input_contents["${name}"]`;
  if (
    contents &&
    Object.values(CONTENTS_FIELD).some(
      ({ field: key }) => (contents[key] as ArrayLike<unknown>).length > 0,
    )
  ) {
    throw new TensorError(
      `inputs["${name}"].contents`,
      'must be empty when raw_input_contents is used',
    );
  }
  if (datatype === 'BYTES') return splitBytes(field, bytes, count);
  const expected = count * ITEM_SIZE[datatype];
  if (bytes.byteLength !== expected) {
    throw new TensorError(
      field,
      `has ${bytes.byteLength} bytes; shape and ${datatype} need ${expected}`,
    );
  }
  // Copy to an aligned buffer of its own: protobuf's bytes may start at any offset,
  // and under grpc-js they are a Node Buffer, whose slice() is a view of a shared pool.
  const aligned = new Uint8Array(bytes).buffer;
  switch (datatype) {
    case 'FP32':
      return new Float32Array(aligned);
    case 'FP64':
      return new Float64Array(aligned);
    case 'INT32':
      return new Int32Array(aligned);
    case 'INT64':
      return new BigInt64Array(aligned);
    case 'BOOL':
      return new Uint8Array(aligned);
  }
}

/** Raw BYTES: each element is a 4-byte little-endian length, then that many bytes (Triton's layout). */
function splitBytes(field: string, bytes: Uint8Array, count: number): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Uint8Array[] = [];
  let offset = 0;
  while (offset < bytes.byteLength) {
    if (offset + 4 > bytes.byteLength)
      throw new TensorError(`${field}`, 'raw BYTES data ends inside a length prefix');
    const length = view.getUint32(offset, true);
    offset += 4;
    if (offset + length > bytes.byteLength)
      throw new TensorError(`${field}`, `raw BYTES element ${out.length} runs past the end`);
    out.push(bytes.slice(offset, offset + length));
    offset += length;
  }
  if (out.length !== count)
    throw new TensorError(
      `${field}`,
      `raw BYTES data has ${out.length} elements; the shape needs ${count}`,
    );
  return out;
}
