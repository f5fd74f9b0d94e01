/**
 * Shared set-up of the inference integration tests: the built service run as a real
 * process over a private copy of the demo models, a generic V2 client, and requests
 * built from the demo models' expected.json (what scikit-learn and the ONNX graph
 * computed when make_models.py ran).
 */
import type { MessageInitShape } from '@bufbuild/protobuf';
import {
  GRPCInferenceService,
  ModelInferRequest_InferInputTensorSchema,
  type ModelInferResponse,
} from '@ballast/contracts';
import { createClient, type PromiseClient } from '@ballast/grpc';
import { ServiceProcess } from '@ballast/testing';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '../../..');
export const DEMO_MODELS = path.join(ROOT, 'infra/demo-models');

export interface Expected {
  inputs: Record<string, { datatype: string; shape: number[]; data: number[][] }>;
  outputs: Record<string, { datatype: string; shape: number[]; data: number[] | number[][] }>;
  tolerance: { absolute: number; relative: number };
}

export function expected(model: string, version: string): Expected {
  return JSON.parse(
    readFileSync(path.join(DEMO_MODELS, model, version, 'expected.json'), 'utf8'),
  ) as Expected;
}

/** A scratch artifact store holding a copy of the demo models, safe to corrupt. */
export function scratchStore(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ballast-models-'));
  cpSync(DEMO_MODELS, dir, { recursive: true });
  return dir;
}

export interface RunningInference {
  service: ServiceProcess;
  client: PromiseClient<(typeof GRPCInferenceService)['method']>;
  address: string;
  metricsPort: number;
  /** SIGTERM, then how the process ended (see ServiceProcess.stop). */
  stop(): Promise<string>;
}

/** Starts the built inference service on free ports; `env` adds or overrides settings. */
export async function startInference(env: Record<string, string> = {}): Promise<RunningInference> {
  const service = await ServiceProcess.start({
    entry: 'services/inference/dist/main.js',
    readyMessage: 'inference ready',
    env: {
      INFERENCE_GRPC_HOST: '127.0.0.1',
      INFERENCE_GRPC_PORT: '0',
      METRICS_PORT: '0',
      LOG_LEVEL: 'info',
      ...env,
    },
  });
  const address = `127.0.0.1:${String(service.ready['grpcPort'])}`;
  const client = createClient(GRPCInferenceService, address);
  return {
    service,
    client,
    address,
    metricsPort: Number(service.ready['metricsPort']),
    stop() {
      client.close();
      return service.stop();
    },
  };
}

/** A ModelInfer request as a generic V2 client builds it (plain fields, no message classes). */
export interface InferInit {
  modelName: string;
  modelVersion: string;
  id?: string;
  outputs: { name: string }[];
  inputs: MessageInitShape<typeof ModelInferRequest_InferInputTensorSchema>[];
  rawInputContents?: Uint8Array[];
}

/** An FP32 [rows, width] request for `model`, typed or raw, from expected.json rows. */
export function inferRequest(
  model: string,
  rows: number[][],
  options: { version?: string; raw?: boolean; outputs?: string[] } = {},
): InferInit {
  const flat = rows.flat();
  const shape = [BigInt(rows.length), BigInt(rows[0]?.length ?? 0)];
  const input = { name: 'input', datatype: 'FP32', shape };
  const outputs = (options.outputs ?? []).map((name) => ({ name }));
  const common = { modelName: model, modelVersion: options.version ?? '', outputs };
  if (options.raw) {
    const bytes = new Uint8Array(Float32Array.from(flat).buffer);
    return { ...common, inputs: [input], rawInputContents: [bytes] };
  }
  return { ...common, inputs: [{ ...input, contents: { fp32Contents: flat } }] };
}

/** Reads one output of a response as numbers, from typed contents or raw bytes. */
export function outputValues(response: ModelInferResponse, name: string): number[] {
  const index = response.outputs.findIndex((o) => o.name === name);
  const output = response.outputs[index];
  if (!output) throw new Error(`response has no output "${name}"`);
  const raw = response.rawOutputContents[index];
  if (raw) {
    const buffer = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength);
    if (output.datatype === 'FP32') return Array.from(new Float32Array(buffer));
    if (output.datatype === 'INT64') return Array.from(new BigInt64Array(buffer), Number);
    throw new Error(`test cannot read raw ${output.datatype}`);
  }
  const contents = output.contents;
  if (output.datatype === 'FP32') return contents?.fp32Contents ?? [];
  if (output.datatype === 'INT64') return (contents?.int64Contents ?? []).map(Number);
  throw new Error(`test cannot read ${output.datatype}`);
}

/** Asserts |actual - expected| <= absolute + relative * |expected| element-wise. */
export function expectClose(
  actual: number[],
  wanted: number[],
  tolerance: Expected['tolerance'],
): void {
  expect(actual).toHaveLength(wanted.length);
  actual.forEach((a, i) => {
    const w = wanted[i]!;
    const allowed = tolerance.absolute + tolerance.relative * Math.abs(w);
    if (Math.abs(a - w) > allowed)
      throw new Error(`element ${i}: got ${a}, expected ${w} (allowed ${allowed})`);
  });
}

/** Fetches the service's Prometheus text. */
export async function metricsText(metricsPort: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
  return response.text();
}

/** The value of one Prometheus sample with (at least) these labels, in any order; undefined if absent. */
export function sample(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text
    .split('\n')
    .find(
      (l) =>
        (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) &&
        wanted.every((pair) => l.includes(pair)),
    );
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}
