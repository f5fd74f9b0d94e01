/**
 * Drift analysis entry point:
 *   node --require @ballast/telemetry/preload services/drift-analysis/dist/main.js
 */
import { runService } from '@ballast/service';
import { loadDriftConfig } from './config';
import { DriftAnalysisServer } from './drift-analysis-server';

runService({
  name: 'drift-analysis',
  loadConfig: loadDriftConfig,
  create: (config, logger) => new DriftAnalysisServer(config, logger),
});
