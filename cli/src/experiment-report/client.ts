import { ExperimentService, type GetExperimentReportResponse } from '@ballast/contracts';
import type { CliIo } from '../command';
import { withService } from '../services/client';
import { EXPERIMENT_ANALYTICS } from '../services/endpoint';

// A report is read from memory and one small ClickHouse query; generous for a slow machine.
const DEADLINE_MS = 30_000;

/** The latest report of `experimentId` from the experiment-analytics service. */
export function fetchExperimentReport(options: {
  experimentId: string;
  address: string | undefined;
  io: CliIo;
}): Promise<GetExperimentReportResponse> {
  return withService(
    EXPERIMENT_ANALYTICS,
    ExperimentService,
    { flag: options.address, io: options.io, deadlineMs: DEADLINE_MS },
    ({ client }) => client.getExperimentReport({ experimentId: options.experimentId }),
  );
}
