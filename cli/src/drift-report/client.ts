import { DriftService, type GetDriftReportResponse } from '@ballast/contracts';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { CliIo } from '../command';
import { withService } from '../services/client';
import { DRIFT_ANALYSIS } from '../services/endpoint';

// The report may recount the latest window's histograms in ClickHouse: minutes on 10M events.
const DEADLINE_MS = 120_000;

/** A drift report from the drift-analysis service. */
export function fetchDriftReport(options: {
  model: string;
  from: Date | undefined;
  to: Date | undefined;
  address: string | undefined;
  io: CliIo;
}): Promise<GetDriftReportResponse> {
  return withService(
    DRIFT_ANALYSIS,
    DriftService,
    { flag: options.address, io: options.io, deadlineMs: DEADLINE_MS },
    ({ client }) =>
      client.getDriftReport({
        model: options.model,
        ...(options.from ? { fromTime: timestampFromDate(options.from) } : {}),
        ...(options.to ? { toTime: timestampFromDate(options.to) } : {}),
      }),
  );
}
