/**
 * @ballast/tensors: Open Inference Protocol tensors in and out. Decodes a
 * ModelInferRequest's inputs (typed `contents` or `raw_input_contents`) into typed
 * arrays, checked against the model's declared inputs with errors that name the
 * field; encodes outputs back. Pure: no I/O, shared by inference and router.
 *
 * @example
 * const [features] = decodeInputs(request, manifest.inputs, { allowNonFinite: false, maxElements: 1 << 20 });
 * const response = { modelName, ...encodeOutputs(outputs, { raw: request.rawInputContents.length > 0 }) };
 */
export type { DecodeOptions } from './decode';
export { decodeInputs } from './decode';
export { encodeOutputs } from './encode';
export type { Datatype, Tensor, TensorData, TensorSpec } from './tensor';
export { DATATYPES, ITEM_SIZE, TensorError, elementCount, isDatatype } from './tensor';
