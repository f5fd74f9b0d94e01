/** The built `ballast` binary (cli/bin/ballast.js → cli/dist): real process, real exit codes. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { FIXTURES } from './run-command';

const BIN = join(__dirname, '../../bin/ballast.js');

function run(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: FIXTURES, encoding: 'utf8' });
}

describe('built ballast binary', () => {
  it('drift compare exits 4 on drift with --fail-on-drift, 0 without it', () => {
    const files = ['--reference', 'small/reference.csv', '--current', 'small/current.csv'];
    const failing = run('drift', 'compare', ...files, '--fail-on-drift');
    expect(failing.stderr).toBe('');
    expect(failing.status).toBe(4);
    expect(failing.stdout).toMatch(/drift in 2 of 4 feature\(s\): age, device/);
    expect(run('drift', 'compare', ...files).status).toBe(0);
  });

  it('experiment plan prints 3,623 per arm and exits 2 on an impossible baseline', () => {
    const plan = run('experiment', 'plan', '--baseline', '0.10', '--mde', '0.02');
    expect(plan.status).toBe(0);
    expect(plan.stdout).toMatch(/^per arm\s+3,623$/m);
    const bad = run('experiment', 'plan', '--baseline', '0', '--mde', '0.02');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('ballast: --baseline: must be in (0, 1), got 0\n');
  });
});
