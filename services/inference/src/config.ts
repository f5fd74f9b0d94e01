import {
  bool,
  hostPorts,
  int,
  list,
  loadConfig,
  oneOf,
  port,
  str,
  type Config,
} from '@ballast/config';
import type { ServingSettings } from './domain/loaded-version';

export const inferenceConfigSpec = {
  INFERENCE_GRPC_HOST: str({ default: '0.0.0.0' }),
  INFERENCE_GRPC_PORT: port({ default: 8001, allowEphemeral: true }),
  METRICS_PORT: port({ default: 9464, allowEphemeral: true }),
  /** Root of the artifact store: <root>/<model>/<version>/. */
  MODEL_STORE_DIR: str({ devDefault: 'infra/demo-models' }),
  /** Models to load at start, `name` (latest) or `name@version`, comma-separated; empty = every model's latest. */
  INFERENCE_MODELS: list({ default: [] }),
  /**
   * Where the control topic is. Empty: the replica follows no deployment and is driven
   * by the repository calls only (a warning says so at start).
   */
  KAFKA_BROKERS: hostPorts({ default: [] }),
  /** Each replica reads the control topic in a group of its own: <prefix>-<host>-<pid>. */
  INFERENCE_CONTROL_GROUP_PREFIX: str({ default: 'inference' }),
  /** Executions (batches, when batching) of one model version at once. */
  INFERENCE_MAX_CONCURRENT: int({ default: 2, min: 1, max: 4096 }),
  INFERENCE_MAX_QUEUE: int({ default: 128, min: 0, max: 1_000_000 }),
  INFERENCE_BATCHING: bool({ default: true }),
  INFERENCE_MAX_BATCH_SIZE: int({ default: 32, min: 1, max: 65_536 }),
  INFERENCE_MAX_QUEUE_DELAY_MS: int({ default: 2, min: 0, max: 10_000 }),
  /**
   * Where models run: `worker` (a thread per model version; keeps the event loop free),
   * `inline`, or `auto` (inline when a full batch runs within INFERENCE_INLINE_MAX_MS).
   */
  INFERENCE_EXECUTION: oneOf(['auto', 'worker', 'inline'] as const, { default: 'auto' }),
  INFERENCE_INLINE_MAX_MS: int({ default: 1, min: 0, max: 1_000 }),
  INFERENCE_INTRA_OP_THREADS: int({ default: 1, min: 0, max: 256 }),
  INFERENCE_MAX_REQUEST_BYTES: int({ default: 16 * 1024 * 1024, min: 1024 }),
  INFERENCE_MAX_ELEMENTS: int({ default: 4 * 1024 * 1024, min: 1 }),
  /** Per-model overrides as JSON: {"<model>": {"maxBatchSize": 64, "maxConcurrent": 4, ...}}. */
  INFERENCE_MODEL_SETTINGS: str({ default: '{}' }),
  LOG_LEVEL: oneOf(['debug', 'info', 'warn', 'error'] as const, { default: 'info' }),
};

export type InferenceConfig = Config<typeof inferenceConfigSpec>;

export function loadInferenceConfig(env: NodeJS.ProcessEnv = process.env): InferenceConfig {
  return loadConfig(inferenceConfigSpec, env);
}

const OVERRIDES = {
  maxConcurrent: 'number',
  maxQueue: 'number',
  batching: 'boolean',
  maxBatchSize: 'number',
  maxQueueDelayMs: 'number',
  intraOpThreads: 'number',
  graphOptimization: 'string',
  execution: 'string',
} as const;
type Overrides = {
  [K in keyof typeof OVERRIDES]?: (typeof OVERRIDES)[K] extends 'number'
    ? number
    : (typeof OVERRIDES)[K] extends 'boolean'
      ? boolean
      : string;
};

/** Parses INFERENCE_MODEL_SETTINGS, naming the model and key of any bad entry. */
export function parseModelOverrides(json: string): Record<string, Overrides> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new Error(`INFERENCE_MODEL_SETTINGS: not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('INFERENCE_MODEL_SETTINGS: must be an object keyed by model name');
  }
  for (const [model, settings] of Object.entries(parsed)) {
    if (typeof settings !== 'object' || settings === null)
      throw new Error(`INFERENCE_MODEL_SETTINGS.${model}: must be an object`);
    for (const [key, value] of Object.entries(settings)) {
      const type = OVERRIDES[key as keyof typeof OVERRIDES];
      if (!type)
        throw new Error(
          `INFERENCE_MODEL_SETTINGS.${model}.${key}: unknown setting; known: ${Object.keys(OVERRIDES).join(', ')}`,
        );
      if (
        typeof value !== type ||
        (type === 'number' && !(Number.isInteger(value) && (value as number) >= 0))
      ) {
        throw new Error(
          `INFERENCE_MODEL_SETTINGS.${model}.${key}: must be a ${type === 'number' ? 'non-negative integer' : type}`,
        );
      }
      if (key === 'execution' && !['auto', 'worker', 'inline'].includes(value as string)) {
        throw new Error(`INFERENCE_MODEL_SETTINGS.${model}.${key}: must be auto, worker or inline`);
      }
      if (
        key === 'graphOptimization' &&
        !['disabled', 'basic', 'extended', 'all'].includes(value as string)
      ) {
        throw new Error(
          `INFERENCE_MODEL_SETTINGS.${model}.${key}: must be disabled, basic, extended or all`,
        );
      }
    }
  }
  return parsed as Record<string, Overrides>;
}

/** The serving settings of one model: the service defaults with that model's overrides. */
export function servingSettings(
  config: InferenceConfig,
  overrides: Record<string, Overrides>,
  model: string,
): ServingSettings {
  const o = overrides[model] ?? {};
  const batching = o.batching ?? config.INFERENCE_BATCHING;
  return {
    limits: {
      maxConcurrent: o.maxConcurrent ?? config.INFERENCE_MAX_CONCURRENT,
      maxQueue: o.maxQueue ?? config.INFERENCE_MAX_QUEUE,
    },
    batching: batching
      ? {
          maxBatchSize: o.maxBatchSize ?? config.INFERENCE_MAX_BATCH_SIZE,
          maxQueueDelayMs: o.maxQueueDelayMs ?? config.INFERENCE_MAX_QUEUE_DELAY_MS,
        }
      : undefined,
    session: {
      intraOpThreads: o.intraOpThreads ?? config.INFERENCE_INTRA_OP_THREADS,
      graphOptimization:
        (o.graphOptimization as ServingSettings['session']['graphOptimization']) ?? 'all',
    },
    maxElements: config.INFERENCE_MAX_ELEMENTS,
    execution:
      (o.execution as ServingSettings['execution'] | undefined) ?? config.INFERENCE_EXECUTION,
    inlineMaxMs: config.INFERENCE_INLINE_MAX_MS,
  };
}
