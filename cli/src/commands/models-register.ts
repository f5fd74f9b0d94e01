import { RegisterModelVersionResponseSchema } from '@ballast/contracts';
import * as path from 'node:path';
import { parseCommandArgs, requireOption } from '../args';
import type { Command } from '../command';
import { withControl } from '../control/client';
import { CONTROL_OPTIONS, CONTROL_USAGE, changeFields } from '../control/options';
import { writeResult } from '../format/output';
import { versionsTable } from './models-show';

export const modelsRegister: Command = {
  path: ['models', 'register'],
  summary: 'register a model version from a folder (model.onnx, manifest.json, profile.json)',
  usage: `usage: ballast models register --model M --version V --path DIR [--reason R]

The control plane checks DIR's model (the ONNX loads and matches manifest.json), stores
it with its checksum, and records who registered it. DIR is read by the control plane,
so it must be on the control plane's machine; a relative DIR is taken from here.
  --reason TEXT         why, recorded in the audit history
  --actor NAME          who, recorded in the audit history (default: OS user name)
${CONTROL_USAGE}`,
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      options: {
        model: { type: 'string' },
        version: { type: 'string' },
        path: { type: 'string' },
        reason: { type: 'string' },
        actor: { type: 'string' },
        ...CONTROL_OPTIONS,
      },
    });
    const request = {
      model: requireOption(values.model, 'model'),
      version: requireOption(values.version, 'version'),
      sourcePath: path.resolve(io.cwd, requireOption(values.path, 'path')),
      context: changeFields(values, io.env).context,
    };
    return withControl({ control: values.control, io }, async ({ client }) => {
      const response = await client.registerModelVersion(request);
      writeResult(io, {
        json: values.json,
        schema: RegisterModelVersionResponseSchema,
        message: response,
        text: () =>
          `registered ${request.model} version ${request.version}\n` +
          versionsTable(response.version ? [response.version] : []),
      });
      return 0;
    });
  },
};
