import { GetDriftReportResponseSchema } from '@ballast/contracts';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCommandArgs } from '../args';
import { CliError, UsageError, type Command } from '../command';
import { fetchDriftReport } from '../drift-report/client';
import { renderDriftHtml } from '../drift-report/html';
import { reportText } from '../drift-report/text';
import { writeResult } from '../format/output';

function time(flag: string, raw: string | undefined): Date | undefined {
  if (raw === undefined) return undefined;
  const date = new Date(raw);
  if (Number.isNaN(date.getTime())) {
    throw new UsageError(`--${flag}: '${raw}' is not a date (ISO 8601, e.g. 2025-03-01T12:00:00Z)`);
  }
  return date;
}

export const driftReport: Command = {
  path: ['drift', 'report'],
  summary: "a model's drift by window: statistics, data quality, status (terminal, JSON or HTML)",
  usage: `usage: ballast drift report --model MODEL [--from TIME] [--to TIME] [--html FILE] [--json] [--address host:port]

The windows of MODEL analysed by the drift-analysis service in [--from, --to)
(default: the last 24 hours): per feature and method the value, threshold and
status, the data-quality checks, and the model's status over the windows.
  --html FILE           also write a self-contained HTML report (histograms, status timeline)
  --json                the whole response as JSON
  --address host:port   drift-analysis' gRPC address (else BALLAST_DRIFT,
                        else services["drift-analysis"].grpc in .data/endpoints.json)`,
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      options: {
        model: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        html: { type: 'string' },
        json: { type: 'boolean' },
        address: { type: 'string' },
      },
    });
    if (!values.model) throw new UsageError('--model: required');
    const response = await fetchDriftReport({
      model: values.model,
      from: time('from', values.from),
      to: time('to', values.to),
      address: values.address,
      io,
    });
    if (values.html !== undefined) {
      try {
        writeFileSync(resolve(io.cwd, values.html), renderDriftHtml(response));
      } catch (error) {
        throw new CliError(`--html ${values.html}: cannot write (${(error as Error).message})`, {
          cause: error,
        });
      }
    }
    writeResult(io, {
      json: values.json,
      schema: GetDriftReportResponseSchema,
      message: response,
      text: () => reportText(response),
    });
    return 0;
  },
};
