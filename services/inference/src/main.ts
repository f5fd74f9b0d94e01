/**
 * Inference service entry point:
 *   node --require @ballast/telemetry/preload services/inference/dist/main.js
 */
import { runService } from '@ballast/service';
import { loadInferenceConfig } from './config';
import { InferenceServer } from './inference-server';

runService({
  name: 'inference',
  loadConfig: loadInferenceConfig,
  create: (config, logger) => new InferenceServer(config, logger),
});
