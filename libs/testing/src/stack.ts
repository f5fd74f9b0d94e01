import { hostPorts, loadConfig, str, url } from '@ballast/config';

/**
 * Where the local stack is, as `npm test` passes it to integration tests. Missing
 * variables fail with their names: run through `npm test`, or start the stack with
 * `npm start` and export what it prints.
 */
export function stackFromEnv() {
  return loadConfig({
    KAFKA_BROKERS: hostPorts(),
    KAFKA_MOCK_CONTROL: str(),
    CLICKHOUSE_URL: url(),
    CLICKHOUSE_DATABASE: str({ default: 'ballast' }),
  });
}
