/**
 * `ballast` entry point (cli/bin/ballast.js loads this file).
 */
import { COMMANDS } from './commands';
import { runCli } from './run-cli';

void runCli(process.argv.slice(2), COMMANDS, {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
}).then((code) => {
  process.exitCode = code;
});
