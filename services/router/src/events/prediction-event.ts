/**
 * A served request as PredictionEvents: its inputs as the model's named features,
 * its outputs flattened to doubles, and how it was routed.
 *
 * One event per row: a request of one row gives one event with the request's id; a
 * batch of N > 1 rows gives N events with request ids `<id>/<row>` (row from 0), each
 * with that row's features and outputs; zero rows give none. So every row the
 * platform scored is one row in prediction_events, and drift sees each row's values.
 *
 * A routed request that failed gives the same events without outputs and with the
 * caller's status code name in `error_code` (one per row, so error rates count rows
 * as the answered events do); when its inputs cannot be decoded (the cause of many
 * failures), one event with the request's id and no features.
 */
import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  ModelInferRequestSchema,
  PredictionEventSchema,
  type ModelInferRequest,
  type ModelInferResponse,
  type PredictionEvent,
  type Role,
} from '@ballast/contracts';
import type { FeatureSpec, ModelManifest } from '@ballast/model-store';
import { decodeInputs, elementCount, TensorError, type Tensor } from '@ballast/tensors';

/** How the router served the request. */
export interface PredictionRoute {
  model: string;
  version: string;
  deployment: string;
  variant: string;
  experimentId: string;
  unitId: string;
  role: Role;
}

export interface PredictionEventInput {
  request: ModelInferRequest;
  response: ModelInferResponse;
  manifest: ModelManifest;
  route: PredictionRoute;
  requestId: string;
  latencyMs: number;
  eventTime: Date;
}

/** A routed request that failed: no response; the status code name the caller got. */
export interface FailedPredictionInput {
  request: ModelInferRequest;
  /** Undefined when the version's manifest could not be read: no features then. */
  manifest: ModelManifest | undefined;
  route: PredictionRoute;
  requestId: string;
  latencyMs: number;
  eventTime: Date;
  /** e.g. `UNAVAILABLE`, `DEADLINE_EXCEEDED`; never empty. */
  errorCode: string;
}

// A served request fits the model, so these only guard the decoding; a failed one
// that does not fit is caught as a TensorError.
const DECODE = { allowNonFinite: true, maxElements: Number.MAX_SAFE_INTEGER };

/**
 * Builds the events of one served request (see the module comment for batches).
 * Throws a TensorError only if the request or response does not match the
 * manifest, which a request the model served cannot do.
 */
export function buildPredictionEvent(input: PredictionEventInput): PredictionEvent[] {
  const inputs = decodeInputs(input.request, input.manifest.inputs, DECODE);
  const outputs = decodeOutputs(input.response);
  return rowEvents({ ...input, inputs, outputs, errorCode: '' });
}

/**
 * Builds the events of a routed request that failed (see the module comment). Never
 * throws for inputs that do not fit the manifest: they give one event without features.
 */
export function buildFailedPredictionEvents(input: FailedPredictionInput): PredictionEvent[] {
  const inputs = input.manifest && decodeOrUndefined(input.request, input.manifest);
  if (input.manifest && inputs && rowCount(inputs) > 0)
    return rowEvents({ ...input, manifest: input.manifest, inputs, outputs: [] });
  return rowEvents({ ...input, manifest: undefined, inputs: [], outputs: [] });
}

function decodeOrUndefined(request: ModelInferRequest, manifest: ModelManifest) {
  try {
    return decodeInputs(request, manifest.inputs, DECODE);
  } catch (error) {
    if (error instanceof TensorError) return undefined;
    throw error;
  }
}

const rowCount = (inputs: Tensor[]): number =>
  inputs[0] && inputs[0].shape.length > 0 ? (inputs[0].shape[0] as number) : 1;

/** One event per row of `inputs`; with no manifest, one event without features. */
function rowEvents(input: {
  manifest: ModelManifest | undefined;
  inputs: Tensor[];
  outputs: Tensor[];
  route: PredictionRoute;
  requestId: string;
  latencyMs: number;
  eventTime: Date;
  errorCode: string;
}): PredictionEvent[] {
  const { manifest, inputs, outputs, route } = input;
  const rows = manifest ? rowCount(inputs) : 1;
  const features = manifest ? featureColumns(manifest.features, inputs, rows) : [];
  const numeric = features.filter(({ spec }) => spec.type === 'numeric');
  const categorical = features.filter(({ spec }) => spec.type === 'categorical');
  const eventTime = timestampFromDate(input.eventTime);
  return Array.from({ length: rows }, (_, row) =>
    create(PredictionEventSchema, {
      eventId: randomUUID(),
      eventTime,
      model: { name: route.model, version: route.version, deployment: route.deployment },
      requestId: rows === 1 ? input.requestId : `${input.requestId}/${row}`,
      unitId: route.unitId,
      experimentId: route.experimentId,
      variant: route.variant,
      role: route.role,
      numericFeatures: numeric.map(({ spec, cell }) => ({
        name: spec.name,
        value: asNumber(cell?.(row)),
      })),
      categoricalFeatures: categorical.map(({ spec, cell }) => ({
        name: spec.name,
        value: asCategory(cell?.(row)),
      })),
      outputs: outputs.map((tensor) => ({
        name: tensor.name,
        values: rowValues(tensor, row, rows).map(asNumber),
      })),
      latencyMs: input.latencyMs,
      errorCode: input.errorCode,
    }),
  );
}

/** One element of a decoded tensor: a number (bigint for INT64) or bytes. */
type Cell = number | bigint | Uint8Array | undefined;

/**
 * Where each feature's value is, per row. A feature named after a one-column input
 * is that input; otherwise the features are the inputs' columns in order (one
 * [batch, columns] input is the usual case) when their counts match; else missing.
 */
function featureColumns(features: readonly FeatureSpec[], inputs: Tensor[], rows: number) {
  const columns = inputs.flatMap((tensor) => {
    const { width } = layout(tensor, rows);
    return Array.from({ length: width }, (_, c) => cellAt(tensor, rows, c));
  });
  return features.map((spec, i) => {
    const named = inputs.find((t) => t.name === spec.name && layout(t, rows).width === 1);
    if (named) return { spec, cell: cellAt(named, rows, 0) };
    return { spec, cell: columns.length === features.length ? columns[i] : undefined };
  });
}

/**
 * A tensor whose first dimension is the batch has `width` elements per row; any
 * other tensor is shared by every row.
 */
function layout(tensor: Tensor, rows: number): { batched: boolean; width: number } {
  const batched = tensor.shape.length > 0 && tensor.shape[0] === rows;
  return { batched, width: elementCount(batched ? tensor.shape.slice(1) : tensor.shape) };
}

function cellAt(tensor: Tensor, rows: number, column: number): (row: number) => Cell {
  const { batched, width } = layout(tensor, rows);
  const data = tensor.data as ArrayLike<Cell>;
  return (row) => data[(batched ? row * width : 0) + column];
}

function rowValues(tensor: Tensor, row: number, rows: number): Cell[] {
  const { batched, width } = layout(tensor, rows);
  const data = tensor.data as ArrayLike<Cell>;
  return Array.from({ length: width }, (_, i) => data[(batched ? row * width : 0) + i]);
}

const utf8 = new TextDecoder();

function asNumber(cell: Cell): number {
  if (cell === undefined) return Number.NaN;
  if (cell instanceof Uint8Array) {
    const text = utf8.decode(cell).trim();
    return text === '' ? Number.NaN : Number(text);
  }
  return Number(cell);
}

function asCategory(cell: Cell): string {
  if (cell === undefined) return '';
  if (cell instanceof Uint8Array) return utf8.decode(cell);
  return typeof cell === 'number' && Number.isNaN(cell) ? '' : String(cell);
}

/** A response's output tensors, decoded by the same code as requests (typed or raw contents). */
function decodeOutputs(response: ModelInferResponse): Tensor[] {
  const asRequest = create(ModelInferRequestSchema, {
    inputs: response.outputs.map(({ name, datatype, shape, contents }) => ({
      name,
      datatype,
      shape,
      contents,
    })),
    rawInputContents: response.rawOutputContents,
  });
  const specs = response.outputs.map(({ name, datatype, shape }) => ({
    name,
    datatype,
    shape: shape.map(Number),
  }));
  return decodeInputs(asRequest, specs, DECODE);
}
