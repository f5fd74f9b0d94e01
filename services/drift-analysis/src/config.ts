import {
  hostPorts,
  int,
  loadConfig,
  oneOf,
  port,
  str,
  url,
  type Config,
  type Setting,
} from '@ballast/config';
import { readFileSync } from 'node:fs';
import { parseMonitors, type MonitorDefinition } from './domain/monitor';

/**
 * DRIFT_MONITORS: the monitors as JSON, inline (starts with `[` or `{`) or the path
 * of a JSON file. Parsed and validated at start-up; a bad field is named in the error.
 */
function monitors(): Setting<MonitorDefinition[]> {
  return {
    parse: (raw) => {
      const text = /^\s*[[{]/.test(raw) ? raw : readFileSync(raw.trim(), 'utf8');
      return parseMonitors(JSON.parse(text));
    },
    default: [],
  };
}

export const driftConfigSpec = {
  CLICKHOUSE_URL: url({ devDefault: 'http://127.0.0.1:18123' }),
  CLICKHOUSE_DATABASE: str({ default: 'ballast' }),
  CLICKHOUSE_USER: str({ default: 'default' }),
  CLICKHOUSE_PASSWORD: str({ default: '' }),
  /** Alerts go to ballast.alerts.v1; without brokers, only to logs and webhooks. */
  KAFKA_BROKERS: hostPorts({ default: [] }),
  MODEL_STORE_DIR: str({ devDefault: 'infra/demo-models' }),
  DRIFT_MONITORS: monitors(),
  /** Features with at most this many values in a window get exact tests on raw values. */
  DRIFT_RAW_MAX_ROWS: int({ default: 5000, min: 0, max: 1_000_000 }),
  /** Windows of more than twice this many events are analysed on a sample of at least this many; 0: never. */
  DRIFT_SAMPLE_EVENTS: int({ default: 1_000_000, min: 0, max: 1_000_000_000 }),
  /** Earlier windows the volume check compares a window with. */
  DRIFT_VOLUME_HISTORY_WINDOWS: int({ default: 24, min: 3, max: 1000 }),
  /** At start, closed windows not yet analysed are caught up, at most this many per monitor. */
  DRIFT_CATCH_UP_WINDOWS: int({ default: 24, min: 0, max: 10_000 }),
  /**
   * At start, each monitor's hysteresis is replayed over its last this many analysed
   * windows in drift_results (exact once they hold `clearAfter` clean windows in a row).
   */
  DRIFT_RESTORE_WINDOWS: int({ default: 48, min: 1, max: 10_000 }),
  /** How often the scheduler looks for windows that are due. */
  DRIFT_TICK_MS: int({ default: 15_000, min: 100, max: 3_600_000 }),
  DRIFT_METRICS_PORT: port({ default: 9470, allowEphemeral: true }),
  DRIFT_GRPC_HOST: str({ default: '0.0.0.0' }),
  /** DriftService (proto/ballast/drift/v1); 0 picks a free port (tests). */
  DRIFT_GRPC_PORT: port({ default: 8030, allowEphemeral: true }),
  LOG_LEVEL: oneOf(['debug', 'info', 'warn', 'error'] as const, { default: 'info' }),
};

export type DriftConfig = Config<typeof driftConfigSpec>;

export function loadDriftConfig(env: NodeJS.ProcessEnv = process.env): DriftConfig {
  return loadConfig(driftConfigSpec, env);
}
