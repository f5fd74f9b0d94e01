import { CliError, EXIT, type CliIo, type Command } from './command';

function helpText(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.path.join(' ').length));
  const lines = commands.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`);
  return `usage: ballast <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nballast <command> --help shows a command's options.\n`;
}

/** The command whose path is the longest prefix of argv, and the arguments after it. */
function select(argv: string[], commands: readonly Command[]) {
  let best: Command | undefined;
  for (const command of commands) {
    const matches = command.path.every((word, i) => argv[i] === word);
    if (matches && command.path.length > (best?.path.length ?? 0)) best = command;
  }
  return best && { command: best, args: argv.slice(best.path.length) };
}

/** Runs one command line; never throws: errors become a message and an exit code. */
export async function runCli(
  argv: string[],
  commands: readonly Command[],
  io: CliIo,
): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout.write(helpText(commands));
    return argv.length === 0 ? EXIT.usage : EXIT.ok;
  }
  const selected = select(argv, commands);
  if (!selected) {
    // `ballast models` alone: list that group's commands rather than all of them.
    const group = commands.filter((c) => c.path.length > 1 && c.path[0] === argv[0]);
    const message =
      group.length > 0
        ? `ballast: '${argv[0]}' needs a subcommand`
        : `ballast: unknown command '${argv.join(' ')}'`;
    io.stderr.write(`${message}\n\n${helpText(group.length > 0 ? group : commands)}`);
    return EXIT.usage;
  }
  const { command, args } = selected;
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(`${command.usage.trimEnd()}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr.write(`ballast: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr.write(`ballast: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    return EXIT.failed;
  }
}
