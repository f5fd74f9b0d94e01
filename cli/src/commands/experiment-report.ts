import { GetExperimentReportResponseSchema } from '@ballast/contracts';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCommandArgs } from '../args';
import { CliError, type Command } from '../command';
import { fetchExperimentReport } from '../experiment-report/client';
import { renderReportHtml } from '../experiment-report/html';
import { reportText } from '../experiment-report/text';
import { writeResult } from '../format/output';

export const experimentReport: Command = {
  path: ['experiment', 'report'],
  summary: "an experiment's latest analysis: SRM, lifts, decision (terminal, JSON or HTML)",
  usage: `usage: ballast experiment report EXPERIMENT [--html FILE] [--json] [--address host:port]

The latest analysis of EXPERIMENT by the experiment-analytics service: the sample
ratio check, every metric by variant (lift, relative lift, intervals, p-values), the
guardrails and the decision.
  --html FILE           also write a self-contained HTML report (lift charts, effect over time)
  --json                the whole response as JSON (report and timeline)
  --address host:port   experiment-analytics' gRPC address (else BALLAST_EXPERIMENTS,
                        else services["experiment-analytics"].grpc in .data/endpoints.json)`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      options: {
        html: { type: 'string' },
        json: { type: 'boolean' },
        address: { type: 'string' },
      },
      positionals: ['experiment'],
    });
    const response = await fetchExperimentReport({
      experimentId: positionals[0] as string,
      address: values.address,
      io,
    });
    if (values.html !== undefined) {
      try {
        writeFileSync(resolve(io.cwd, values.html), renderReportHtml(response));
      } catch (error) {
        throw new CliError(`--html ${values.html}: cannot write (${(error as Error).message})`, {
          cause: error,
        });
      }
    }
    writeResult(io, {
      json: values.json,
      schema: GetExperimentReportResponseSchema,
      message: response,
      text: () => reportText(response),
    });
    return 0;
  },
};
