/**
 * Experiment analytics entry point:
 *   node --require @ballast/telemetry/preload services/experiment-analytics/dist/main.js
 */
import { runService } from '@ballast/service';
import { loadExperimentAnalyticsConfig } from './config';
import { ExperimentAnalyticsServer } from './experiment-analytics-server';

runService({
  name: 'experiment-analytics',
  loadConfig: loadExperimentAnalyticsConfig,
  create: (config, logger) => new ExperimentAnalyticsServer(config, logger),
});
