/**
 * Control-plane service entry point:
 *   node --require @ballast/telemetry/preload services/control-plane/dist/main.js
 */
import { runService } from '@ballast/service';
import { loadControlPlaneConfig } from './config';
import { ControlPlaneServer } from './control-plane-server';

runService({
  name: 'control-plane',
  loadConfig: loadControlPlaneConfig,
  create: (config, logger) => new ControlPlaneServer(config, logger),
});
