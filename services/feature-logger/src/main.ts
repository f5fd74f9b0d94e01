/**
 * Feature logger entry point:
 *   node --require @ballast/telemetry/preload services/feature-logger/dist/main.js
 */
import { runService } from '@ballast/service';
import { loadFeatureLoggerConfig } from './config';
import { FeatureLoggerServer } from './feature-logger-server';

runService({
  name: 'feature-logger',
  loadConfig: loadFeatureLoggerConfig,
  create: (config, logger) => new FeatureLoggerServer(config, logger),
});
