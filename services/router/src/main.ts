/**
 * Router entry point:
 *   node --require @ballast/telemetry/preload services/router/dist/main.js
 */
import { runService } from '@ballast/service';
import { loadRouterConfig } from './config';
import { RouterServer } from './router-server';

runService({
  name: 'router',
  loadConfig: loadRouterConfig,
  create: (config, logger) => new RouterServer(config, logger),
});
