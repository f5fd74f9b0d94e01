import type { MessageInitShape } from '@bufbuild/protobuf';
import type { ModelInferResponseSchema } from '@ballast/contracts';
import type { Tensor } from './tensor';

type ResponseTensors = Pick<
  MessageInitShape<typeof ModelInferResponseSchema>,
  'outputs' | 'rawOutputContents'
>;

/**
 * Encodes output tensors for a ModelInferResponse: as `raw_output_contents` when the
 * request used raw inputs (clients that send raw expect raw back), else as typed
 * `contents`.
 */
export function encodeOutputs(
  tensors: readonly Tensor[],
  { raw }: { raw: boolean },
): ResponseTensors {
  const outputs = tensors.map((t) => ({
    name: t.name,
    datatype: t.datatype,
    shape: t.shape.map(BigInt),
    ...(raw ? {} : { contents: contentsOf(t) }),
  }));
  return raw ? { outputs, rawOutputContents: tensors.map(rawOf) } : { outputs };
}

function contentsOf(t: Tensor) {
  switch (t.datatype) {
    case 'FP32':
      return { fp32Contents: Array.from(t.data as Float32Array) };
    case 'FP64':
      return { fp64Contents: Array.from(t.data as Float64Array) };
    case 'INT32':
      return { intContents: Array.from(t.data as Int32Array) };
    case 'INT64':
      return { int64Contents: Array.from(t.data as BigInt64Array) };
    case 'BOOL':
      return { boolContents: Array.from(t.data as Uint8Array, (b) => b !== 0) };
    case 'BYTES':
      return { bytesContents: t.data as Uint8Array[] };
  }
}

/** Little-endian bytes (the platform's and the protocol's byte order); BYTES length-prefixed. */
function rawOf(t: Tensor): Uint8Array {
  if (t.datatype !== 'BYTES') {
    const data = t.data as Exclude<Tensor['data'], Uint8Array[]>;
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  const elements = t.data as Uint8Array[];
  const out = new Uint8Array(elements.reduce((n, e) => n + 4 + e.byteLength, 0));
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const element of elements) {
    view.setUint32(offset, element.byteLength, true);
    out.set(element, offset + 4);
    offset += 4 + element.byteLength;
  }
  return out;
}
