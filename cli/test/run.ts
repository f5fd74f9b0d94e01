import { COMMANDS } from '../src/commands';
import { runCli } from '../src/run-cli';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs one command line in process through runCli with captured output. The
 * environment is only what the test gives (no BALLAST_CONTROL from the developer's
 * shell), and the working folder defaults to one without .data/endpoints.json.
 */
export async function run(
  argv: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, COMMANDS, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: options.env ?? { USER: 'tester' },
    cwd: options.cwd ?? '/',
  });
  return { code, stdout, stderr };
}
