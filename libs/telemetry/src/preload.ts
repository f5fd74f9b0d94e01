/**
 * Tracing preload: `node --require @ballast/telemetry/preload dist/main.js`.
 * It runs before the service's own modules, so the provider and the W3C propagators
 * are in place before the first request. The service name comes from
 * OTEL_SERVICE_NAME (the standard variable), else the entry script's project folder.
 * The service calls `shutdownTracing()` last when it stops, to flush spans.
 */
import * as path from 'node:path';
import { startTracing } from './tracing';

startTracing({
  serviceName:
    process.env['OTEL_SERVICE_NAME'] ??
    path.basename(path.dirname(path.dirname(process.argv[1] ?? 'ballast'))),
});
