import { CliError, EXIT } from '../command';

/**
 * A data file that cannot be analysed (missing, empty, malformed line): exit code 1.
 * The message names the file and, where there is one, the line.
 */
export class DataFileError extends CliError {
  readonly file: string;
  readonly line: number | undefined;

  constructor(options: { file: string; line?: number; reason: string; cause?: unknown }) {
    const where = options.line === undefined ? options.file : `${options.file}:${options.line}`;
    super(`${where}: ${options.reason}`, { exitCode: EXIT.failed, cause: options.cause });
    this.name = 'DataFileError';
    this.file = options.file;
    this.line = options.line;
  }
}
