import {
  ExperimentService,
  type GetExperimentReportResponse,
  type GetTrafficRateResponse,
} from '@ballast/contracts';
import type { CliIo } from '../command';
import { withService } from '../services/client';
import { EXPERIMENT_ANALYTICS } from '../services/endpoint';

// A report is read from memory and one small ClickHouse query, a traffic rate from one
// aggregate over the model's events in the window; generous for a slow machine.
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

/** `model`'s primary traffic over the last `lookbackDays` days (0: the service's default, 7). */
export function fetchTrafficRate(options: {
  model: string;
  lookbackDays: number;
  address: string | undefined;
  io: CliIo;
}): Promise<GetTrafficRateResponse> {
  return withService(
    EXPERIMENT_ANALYTICS,
    ExperimentService,
    { flag: options.address, io: options.io, deadlineMs: DEADLINE_MS },
    ({ client }) =>
      client.getTrafficRate({ model: options.model, lookbackDays: options.lookbackDays }),
  );
}
