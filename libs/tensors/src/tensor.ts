/** Open Inference Protocol tensor datatypes Ballast serves. */
export const DATATYPES = ['BOOL', 'INT32', 'INT64', 'FP32', 'FP64', 'BYTES'] as const;
export type Datatype = (typeof DATATYPES)[number];

/** What a model declares for one tensor: -1 in the shape means "any size" (e.g. the batch). */
export interface TensorSpec {
  readonly name: string;
  readonly datatype: string;
  readonly shape: readonly number[];
}

export type TensorData =
  Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Uint8Array[];

/** A decoded tensor: row-major data of `datatype` (BOOL as 0/1 bytes, BYTES as one array per element). */
export interface Tensor {
  readonly name: string;
  readonly datatype: Datatype;
  readonly shape: readonly number[];
  readonly data: TensorData;
}

/**
 * Thrown for a request whose tensors do not match the model: names the field
 * (e.g. `inputs["input"].shape[1]`) and the reason. Maps to INVALID_ARGUMENT.
 */
export class TensorError extends Error {
  override readonly name = 'TensorError';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

export function isDatatype(value: string): value is Datatype {
  return (DATATYPES as readonly string[]).includes(value);
}

/** Bytes per element in raw (little-endian) form; BYTES elements are length-prefixed instead. */
export const ITEM_SIZE: Record<Exclude<Datatype, 'BYTES'>, number> = {
  BOOL: 1,
  INT32: 4,
  INT64: 8,
  FP32: 4,
  FP64: 8,
};

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}
