import { DescribeModelResponseSchema, type ModelVersionInfo } from '@ballast/contracts';
import { parseCommandArgs } from '../args';
import type { Command } from '../command';
import { withControl } from '../control/client';
import { CONTROL_OPTIONS, CONTROL_USAGE } from '../control/options';
import { describeDeployment } from '../format/deployment';
import { writeResult } from '../format/output';
import { formatTable } from '../format/table';
import { formatTime } from '../format/time';

/** A model's registered versions: checksum, when and by whom, features, profile. */
export function versionsTable(versions: readonly ModelVersionInfo[]): string {
  return formatTable(versions, [
    { header: 'VERSION', value: (v) => v.version },
    // The first 12 hex digits tell versions apart; --json has all of it.
    { header: 'SHA256', value: (v) => v.sha256.slice(0, 12) },
    { header: 'REGISTERED', value: (v) => formatTime(v.registeredTime) },
    { header: 'BY', value: (v) => v.registeredBy },
    { header: 'FEATURES', value: (v) => v.features.length },
    { header: 'PROFILE', value: (v) => (v.hasProfile ? 'yes' : 'no') },
  ]);
}

export const modelsShow: Command = {
  path: ['models', 'show'],
  summary: "a model's versions and its active deployment",
  usage: `usage: ballast models show MODEL
${CONTROL_USAGE}`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      options: CONTROL_OPTIONS,
      positionals: ['model'],
    });
    return withControl({ control: values.control, io }, async ({ client }) => {
      const response = await client.describeModel({ model: positionals[0] });
      writeResult(io, {
        json: values.json,
        schema: DescribeModelResponseSchema,
        message: response,
        text: () =>
          `model ${response.name}\n` +
          `deployment: ${response.deployment ? describeDeployment(response.deployment) : 'none'}\n\n` +
          versionsTable(response.versions),
      });
      return 0;
    });
  },
};
