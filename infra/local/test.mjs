// `npm test`: install what is missing, build, run the static checks (buf lint,
// generated code up to date, format, lint, typecheck), start the local stack when it
// is not running, run every unit, integration and end-to-end test, stop what it
// started, print one summary line, and exit non-zero on any failure.
import { mkdtempSync, readFileSync, readdirSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  DATA,
  ROOT,
  build,
  install,
  log,
  run,
  runAsync,
  stackEnv,
  startStack,
  stopStack,
} from './stack.mjs';

process.env.NX_DAEMON = 'false';
process.env.NX_NO_CLOUD = 'true';
process.env.NX_TUI = 'false';

const failures = [];
async function step(name, fn) {
  log(`── ${name}`);
  try {
    await fn();
  } catch (error) {
    failures.push(name);
    log(`FAILED: ${name}: ${error.message}`);
  }
}

/** Regenerates the contracts into a scratch folder and compares with the committed code. */
function checkGeneratedCode() {
  const scratch = mkdtempSync(path.join(tmpdir(), 'ballast-gen-'));
  try {
    run('npx', ['buf', 'generate', '-o', scratch]);
    run('diff', [
      '-r',
      path.join(scratch, 'libs/contracts/src/generated'),
      path.join(ROOT, 'libs/contracts/src/generated'),
    ]);
  } catch (error) {
    throw new Error(
      `generated code is stale: run \`npm run generate\` and commit (${error.message})`,
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Sums the Jest JSON reports of this run. */
function summarize(dir) {
  const totals = { passed: 0, failed: 0, skipped: 0 };
  for (const file of readdirSync(dir)) {
    const report = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    totals.passed += report.numPassedTests;
    totals.failed += report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0);
    totals.skipped += report.numPendingTests + report.numTodoTests;
  }
  return totals;
}

install();
build();
await step('buf lint', () => run('npx', ['buf', 'lint']));
await step('generated code is up to date', checkGeneratedCode);
await step('format', () => run('npx', ['prettier', '--check', '--log-level', 'warn', '.']));
await step('demo models match scikit-learn in onnxruntime-node', () =>
  run('node', ['infra/demo-models/check_onnxruntime.mjs']),
);
await step('lint and typecheck', () =>
  run('npx', ['nx', 'run-many', '-t', 'lint', 'typecheck', '--output-style=static']),
);

const reports = path.join(DATA, 'test-reports');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });
process.env.BALLAST_TEST_REPORTS = reports;

await step('unit tests', () =>
  run('npx', ['nx', 'run-many', '-t', 'test', '--output-style=static', '--skip-nx-cache']),
);

let started = [];
await step('local stack', async () => {
  started = await startStack();
});
if (!failures.includes('local stack')) {
  const env = { ...process.env, ...stackEnv() };
  await step('integration tests', async () => {
    const code = await runAsync(
      'npx',
      [
        'nx',
        'run-many',
        '-t',
        'integration',
        '--parallel=1',
        '--output-style=static',
        '--skip-nx-cache',
      ],
      { env },
    );
    if (code !== 0) throw new Error(`exit ${code}`);
  });
}
stopStack(started);

const totals = summarize(reports);
log(`checks failed: ${failures.length === 0 ? 'none' : failures.join(', ')}`);
process.stdout.write(
  `\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`,
);
process.exit(failures.length === 0 && totals.failed === 0 ? 0 : 1);
