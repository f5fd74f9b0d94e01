import { int, loadConfig, oneOf, port, str, url, type Config } from '@ballast/config';

export const experimentAnalyticsConfigSpec = {
  CLICKHOUSE_URL: url({ devDefault: 'http://127.0.0.1:18123' }),
  CLICKHOUSE_DATABASE: str({ default: 'ballast' }),
  CLICKHOUSE_USER: str({ default: 'default' }),
  CLICKHOUSE_PASSWORD: str({ default: '' }),
  /** JSON file: a list of experiment definitions (README: "Experiment definitions"); empty: none. */
  EXPERIMENTS_FILE: str({ default: '' }),
  /** Time between two analyses of every configured experiment. */
  ANALYSIS_INTERVAL_MS: int({ default: 300_000, min: 1_000, max: 86_400_000 }),
  EXPERIMENTS_GRPC_HOST: str({ default: '0.0.0.0' }),
  /** ExperimentService (proto/ballast/experiments/v1); 0 picks a free port (tests). */
  EXPERIMENTS_GRPC_PORT: port({ default: 8020, allowEphemeral: true }),
  METRICS_PORT: port({ default: 9469, allowEphemeral: true }),
  LOG_LEVEL: oneOf(['debug', 'info', 'warn', 'error'] as const, { default: 'info' }),
};

export type ExperimentAnalyticsConfig = Config<typeof experimentAnalyticsConfigSpec>;

export function loadExperimentAnalyticsConfig(
  env: NodeJS.ProcessEnv = process.env,
): ExperimentAnalyticsConfig {
  return loadConfig(experimentAnalyticsConfigSpec, env);
}
