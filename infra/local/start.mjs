// `npm start`: install what is missing, build, start the local stack (ClickHouse and
// the mock Kafka cluster) and every service, print where each listens (also written
// to .data/endpoints.json), and stop everything on Ctrl-C.
import * as path from 'node:path';
import {
  build,
  ENDPOINTS_FILE,
  read,
  ROOT,
  run,
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

try {
  deployDemo();
} catch (error) {
  log(`the demo model could not be deployed: ${error.message}`);
  await shutdown('error', 1);
}

try {
  services.push(...(await startServices(env, { needsModels: true })));
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
log('try the demo model through the router (Open Inference Protocol, any KServe V2 client):');
log('  node services/inference/dist/demo-client.js breast-cancer');
log('and the control plane:');
log('  npx ballast status');
log('  npx ballast deploy breast-cancer --canary 2 --weight 0.2 --reason "try v2"');
log('  npx ballast rollback breast-cancer');
log('drift of the demo models (5-minute windows, once traffic has flowed):');
log('  npx ballast drift report --model breast-cancer --html drift.html');
log('press Ctrl-C to stop');
/**
 * Registers the demo models with the control plane (registering the same files again
 * changes nothing) and deploys each one that has no deployment yet: breast-cancer
 * v1 with v2 as a 10% canary, the others on their only version. A second `npm start`
 * keeps whatever was deployed since.
 */
function deployDemo() {
  const ballast = (...args) => ['cli/bin/ballast.js', ...args];
  const demo = path.join(ROOT, 'infra/demo-models');
  const models = { 'breast-cancer': ['1', '2'], wine: ['1'], diabetes: ['1'] };
  for (const [model, versions] of Object.entries(models)) {
    for (const version of versions) {
      run(
        'node',
        ballast(
          'models',
          'register',
          '--model',
          model,
          '--version',
          version,
          '--path',
          path.join(demo, model, version),
          '--actor',
          'npm-start',
          '--reason',
          'demo model',
        ),
        { stdio: ['ignore', 'ignore', 'inherit'] },
      );
    }
    const status = JSON.parse(read('node', ballast('status', model, '--json')) ?? '{}');
    if (status.deployment ?? status.deployments?.length) continue;
    const strategy =
      model === 'breast-cancer'
        ? ['--canary', '2', '--stable', '1', '--weight', '0.1']
        : ['--version', versions[0]];
    run('node', ballast('deploy', model, ...strategy, '--actor', 'npm-start', '--reason', 'demo'), {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    log(`deployed ${model}: ${strategy.join(' ')}`);
  }
}

// Keep the process alive until a signal arrives.
setInterval(() => undefined, 1 << 30);
