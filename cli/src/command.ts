/** What a command sees of the process: output streams, environment, working folder. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/**
 * One `ballast` command. `path` is the words that select it (`['models', 'list']`),
 * `run` gets the arguments after them and returns the exit code.
 */
export interface Command {
  path: readonly string[];
  /** One line for `ballast --help`. */
  summary: string;
  /** Full usage text for `ballast <path> --help`. */
  usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}

/**
 * Exit codes: 0 ok, 1 the operation failed, 2 the command line is wrong, 3 nothing
 * answered at the control plane's address (a script may retry that one).
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, unreachable: 3 } as const;

/**
 * A problem the user can fix, shown as `ballast: <message>` without a stack trace.
 * `exitCode` is EXIT.usage for a bad command line, EXIT.failed otherwise.
 */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'CliError';
    this.exitCode = options.exitCode ?? EXIT.failed;
  }
}

/** A bad command line (unknown flag, missing or malformed value): exit code 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, { exitCode: EXIT.usage });
    this.name = 'UsageError';
  }
}
