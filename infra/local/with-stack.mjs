// `node infra/local/with-stack.mjs <command> [args...]`: runs a command (a benchmark,
// a tool) against the local stack. Starts ClickHouse and Kafka when they are not
// running, passes their endpoints in the environment (CLICKHOUSE_URL, KAFKA_BROKERS,
// ...), and stops afterwards only what it started. Exits with the command's code.
import { runAsync, stackEnv, startStack, stopStack } from './stack.mjs';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  process.stderr.write('usage: node infra/local/with-stack.mjs <command> [args...]\n');
  process.exit(2);
}
const started = await startStack();
let code = 1;
try {
  code = await runAsync(command, args, { env: { ...process.env, ...stackEnv() } });
} finally {
  stopStack(started);
}
process.exit(code);
