import { ExperimentService, type GetExperimentReportResponse } from '@ballast/contracts';
import { createClient } from '@ballast/grpc';
import { status as Status } from '@grpc/grpc-js';
import { CliError, EXIT, type CliIo } from '../command';
import { resolveExperimentsEndpoint } from './endpoint';

// A report is read from memory and one small ClickHouse query; generous for a slow machine.
const DEADLINE_MS = 30_000;

function callError(error: unknown, address: string): unknown {
  const e = error as { code?: unknown; details?: unknown };
  if (typeof e?.code !== 'number' || typeof e.details !== 'string') return error;
  if (e.code === Status.UNAVAILABLE || e.code === Status.DEADLINE_EXCEEDED) {
    return new CliError(`experiment-analytics unreachable at ${address} (${e.details})`, {
      exitCode: EXIT.unreachable,
      cause: error,
    });
  }
  return new CliError(`${Status[e.code] ?? `status ${e.code}`}: ${e.details}`, { cause: error });
}

/** The latest report of `experimentId` from the experiment-analytics service. */
export async function fetchExperimentReport(options: {
  experimentId: string;
  address: string | undefined;
  io: CliIo;
}): Promise<GetExperimentReportResponse> {
  const endpoint = resolveExperimentsEndpoint({
    flag: options.address,
    env: options.io.env,
    cwd: options.io.cwd,
  });
  const client = createClient(ExperimentService, endpoint.address);
  try {
    return await client.getExperimentReport(
      { experimentId: options.experimentId },
      { deadline: DEADLINE_MS },
    );
  } catch (error) {
    throw callError(error, endpoint.address);
  } finally {
    client.close();
  }
}
