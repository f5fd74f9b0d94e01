/**
 * @ballast/service: the process shell every Ballast service shares. A service
 * provides its config loader and a server with start/stop; this runs it under a Nest
 * application context whose shutdown hooks drain and stop it on SIGTERM/SIGINT.
 *
 * @example
 * // services/<name>/src/main.ts
 * runService({
 *   name: 'inference',
 *   loadConfig: loadInferenceConfig,
 *   create: (config, logger) => new InferenceServer(config, logger),
 * });
 */
export type { ManagedServer, RunServiceOptions } from './run-service';
export { runService } from './run-service';
