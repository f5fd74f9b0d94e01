import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
/** Runs `ballast` commands in-process, capturing output, for the analysis tests. */
import { runCli } from '../../src/run-cli';
import { driftCompare } from '../../src/commands/drift-compare';
import { experimentPlan } from '../../src/commands/experiment-plan';

export const FIXTURES = `${__dirname}/fixtures`;

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function ballast(args: string[], cwd: string = FIXTURES): Promise<CommandResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, [driftCompare, experimentPlan], {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: {},
    cwd,
  });
  return { code, stdout, stderr };
}

/** `ballast drift compare --reference <reference> --current <current> <extra...>`. */
export function compareFiles(options: {
  reference: string;
  current: string;
  extra?: string[];
  cwd?: string;
}): Promise<CommandResult> {
  const { reference, current, extra = [], cwd } = options;
  return ballast(
    ['drift', 'compare', '--reference', reference, '--current', current, ...extra],
    cwd,
  );
}

/** A fresh temporary folder for the tests of the enclosing describe, removed after them. */
export function useTempDir(prefix: string): () => string {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return () => dir;
}

/** |actual − expected| within `relative` of |expected| (or 1e-12 absolute when tiny). */
export function expectClose(
  actual: unknown,
  expected: number,
  relative: number,
  what: string,
): void {
  if (typeof actual !== 'number') throw new Error(`${what}: not a number: ${String(actual)}`);
  const tolerance = Math.max(relative * Math.abs(expected), 1e-12);
  if (!(Math.abs(actual - expected) <= tolerance)) {
    throw new Error(`${what}: ${actual} differs from ${expected} by more than ${tolerance}`);
  }
}
