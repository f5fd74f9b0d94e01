/**
 * A served request as PredictionEvents: its inputs as the model's named features,
 * its outputs flattened to doubles, and how it was routed.
 *
 * One event per row: a request of one row gives one event with the request's id; a
 * batch of N > 1 rows gives N events with request ids `<id>/<row>` (row from 0), each
 * with that row's features and outputs; zero rows give none. So every row the
 * platform scored is one row in prediction_events, and drift sees each row's values.
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
import { decodeInputs, elementCount, type Tensor } from '@ballast/tensors';

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

// The request was served, so it fits the model; these only guard the decoding.
const DECODE = { allowNonFinite: true, maxElements: Number.MAX_SAFE_INTEGER };

/**
 * Builds the events of one served request (see the module comment for batches).
 * Throws a TensorError only if the request or response does not match the
 * manifest, which a request the model served cannot do.
 */
export function buildPredictionEvent(input: PredictionEventInput): PredictionEvent[] {
  const { request, response, manifest, route } = input;
  const inputs = decodeInputs(request, manifest.inputs, DECODE);
  const outputs = decodeOutputs(response);
  const rows = inputs[0] && inputs[0].shape.length > 0 ? (inputs[0].shape[0] as number) : 1;
  const features = featureColumns(manifest.features, inputs, rows);
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
