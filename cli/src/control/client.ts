import { ControlService } from '@ballast/contracts';
import type { PromiseClient } from '@ballast/grpc';
import type { CliIo } from '../command';
import { withService, type ServiceSession } from '../services/client';
import { CONTROL_PLANE } from '../services/endpoint';

export type ControlClient = PromiseClient<(typeof ControlService)['method']>;
export type ControlSession = ServiceSession<(typeof ControlService)['method']>;

// Registration loads and checks the ONNX model on the control plane; every other call
// is a small read or write. Generous, so a slow machine is not a failure, yet a hung
// server does not hang the terminal.
const CALL_DEADLINE_MS = 60_000;

/**
 * Opens a client to the control plane (address from `--control`, BALLAST_CONTROL or
 * .data/endpoints.json), runs `use` and closes it; errors as `withService` says.
 */
export function withControl<T>(
  options: { control: string | undefined; io: CliIo },
  use: (session: ControlSession) => Promise<T>,
): Promise<T> {
  return withService(
    CONTROL_PLANE,
    ControlService,
    { flag: options.control, io: options.io, deadlineMs: CALL_DEADLINE_MS },
    use,
  );
}
