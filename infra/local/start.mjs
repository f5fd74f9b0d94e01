// `npm start`: install what is missing, build, start the local stack (ClickHouse and
// the mock Kafka cluster) and every service, print where each listens (also written
// to .data/endpoints.json), and stop everything on Ctrl-C.
import {
  build,
  ENDPOINTS_FILE,
  install,
  log,
  stackEnv,
  startServices,
  startStack,
  stopServices,
  stopStack,
} from './stack.mjs';

install();
build();
const started = await startStack();
const env = stackEnv();
let services = [];
let stopping = false;

async function shutdown(signal, code = 0) {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping`);
  await stopServices(services);
  stopStack(started);
  process.exit(code);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

try {
  services = await startServices(env);
} catch (error) {
  log(`a service did not start: ${error.message}`);
  await shutdown('error', 1);
}

log('the platform is up:');
log(
  `  ClickHouse HTTP   ${env.CLICKHOUSE_URL}  (database ${env.CLICKHOUSE_DATABASE}; read-only user: analyst)`,
);
log(`  Kafka brokers     ${env.KAFKA_BROKERS}`);
log(
  `  Kafka fault ctl   ${env.KAFKA_MOCK_CONTROL}  (bash infra/kafka/kafkactl.sh ctl broker-down 1)`,
);
for (const { service } of services) {
  log(
    `  ${service.name.padEnd(17)} ${service.endpoints.grpc ? `gRPC ${service.endpoints.grpc}  ` : ''}metrics ${service.endpoints.metrics}`,
  );
}
log(`  endpoints file    ${ENDPOINTS_FILE}`);
log('try the demo model (Open Inference Protocol, any KServe V2 client):');
log('  node services/inference/dist/demo-client.js breast-cancer');
log('press Ctrl-C to stop');
// Keep the process alive until a signal arrives.
setInterval(() => undefined, 1 << 30);
