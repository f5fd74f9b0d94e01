// `npm start`: install what is missing, build, start the local stack (ClickHouse and
// the mock Kafka cluster) and every service, print where each listens (also written
// to .data/endpoints.json), and stop everything on Ctrl-C.
import { build, ENDPOINTS_FILE, install, log, stackEnv, startStack, stopStack } from './stack.mjs';

install();
build();
const started = await startStack();
const env = stackEnv();

log('the local stack is up:');
log(
  `  ClickHouse HTTP   ${env.CLICKHOUSE_URL}  (database ${env.CLICKHOUSE_DATABASE}; read-only user: analyst)`,
);
log(`  Kafka brokers     ${env.KAFKA_BROKERS}`);
log(
  `  Kafka fault ctl   ${env.KAFKA_MOCK_CONTROL}  (bash infra/kafka/kafkactl.sh ctl broker-down 1)`,
);
log(`  endpoints file    ${ENDPOINTS_FILE}`);
log('press Ctrl-C to stop');

let stopping = false;
function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping`);
  stopStack(started);
  process.exit(0);
}
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
// Keep the process alive until a signal arrives.
setInterval(() => undefined, 1 << 30);
