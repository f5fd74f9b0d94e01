import type { Deployment } from '@ballast/contracts';
import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import { parseCommandArgs, type OptionSpec, type ParsedArgs } from '../args';
import type { CliIo, Command } from '../command';
import { describeDeployment } from '../format/deployment';
import { writeResult } from '../format/output';
import { withControl, type ControlSession } from './client';
import {
  CHANGE_OPTIONS,
  CHANGE_USAGE,
  CONTROL_OPTIONS,
  CONTROL_USAGE,
  changeFields,
  type ChangeFields,
} from './options';

type Options<O extends OptionSpec> = O & typeof CHANGE_OPTIONS & typeof CONTROL_OPTIONS;

export interface ChangeCommandSpec<O extends OptionSpec, S extends DescMessage> {
  path: readonly string[];
  summary: string;
  /** The usage line and description; the common flags are appended. */
  usage: string;
  /** The command's own flags. */
  options: O;
  /** The response message, for --json. */
  response: S;
  /** Past tense for the text output: "promoted". */
  done: string;
  /**
   * Checks the flags (throwing UsageError) and returns the call to make; notes for
   * the user go to io.stderr, so stdout stays the result alone.
   */
  prepare(
    parsed: ParsedArgs<Options<O>>,
    change: ChangeFields,
    io: CliIo,
  ): (session: ControlSession) => Promise<MessageShape<S> & { deployment?: Deployment }>;
}

/**
 * A command that changes one model's deployment (`ballast <path> MODEL ...`): takes
 * --reason, --actor, --expected-generation, --control and --json, and prints the
 * deployment that became active.
 */
export function changeCommand<O extends OptionSpec, S extends DescMessage>(
  spec: ChangeCommandSpec<O, S>,
): Command {
  const options = { ...spec.options, ...CHANGE_OPTIONS, ...CONTROL_OPTIONS } as Options<O>;
  return {
    path: spec.path,
    summary: spec.summary,
    usage: `${spec.usage.trimEnd()}\n${CHANGE_USAGE}\n${CONTROL_USAGE}`,
    async run(args, io) {
      const parsed = parseCommandArgs(args, { options, positionals: ['model'] });
      const values = parsed.values as ParsedArgs<
        typeof CHANGE_OPTIONS & typeof CONTROL_OPTIONS
      >['values'];
      const call = spec.prepare(parsed, changeFields(values, io.env), io);
      return withControl({ control: values.control, io }, async (session) => {
        const response = await call(session);
        writeResult(io, {
          json: values.json,
          schema: spec.response,
          message: response,
          text: () =>
            response.deployment ? `${spec.done}: ${describeDeployment(response.deployment)}\n` : '',
        });
        return 0;
      });
    },
  };
}
