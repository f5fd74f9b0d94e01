/**
 * Shared set-up of the control-plane integration tests: the built service as a real
 * process over private folders, and model versions to register, copied from the demo
 * models under a name of this run's own (the control topic is shared by every run).
 */
import { ControlService } from '@ballast/contracts';
import { createClient, type PromiseClient } from '@ballast/grpc';
import { ServiceProcess, copyDemoModel } from '@ballast/testing';
import { status } from '@grpc/grpc-js';
import { createHash, randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export type ControlClient = PromiseClient<(typeof ControlService)['method']>;

export interface RunningControlPlane {
  service: ServiceProcess;
  client: ControlClient;
  metricsPort: number;
  stop(): Promise<string>;
}

export async function startControlPlane(env: Record<string, string>): Promise<RunningControlPlane> {
  const service = await ServiceProcess.start({
    entry: 'services/control-plane/dist/main.js',
    readyMessage: 'control-plane ready',
    env: { CONTROL_GRPC_HOST: '127.0.0.1', CONTROL_GRPC_PORT: '0', METRICS_PORT: '0', ...env },
  });
  const client = createClient(ControlService, `127.0.0.1:${String(service.ready['grpcPort'])}`);
  return {
    service,
    client,
    metricsPort: Number(service.ready['metricsPort']),
    stop() {
      client.close();
      return service.stop();
    },
  };
}

/** A scratch folder holding versions `1` and `2` of a model named `model`. */
export function sources(model: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ballast-sources-'));
  copyDemoModel({ as: model, into: dir });
  return dir;
}

/** A copy of version 1 as `version`, in the folder `folder`, for changing or corrupting. */
export function variantOf(dir: string, version: string, folder = version): string {
  const target = path.join(dir, folder);
  cpSync(path.join(dir, '1'), target, { recursive: true });
  editManifest(target, (m) => ({ ...m, version }));
  return target;
}

export function editManifest(
  dir: string,
  edit: (manifest: Record<string, unknown>) => Record<string, unknown>,
): void {
  const file = path.join(dir, 'manifest.json');
  writeFileSync(file, JSON.stringify(edit(JSON.parse(readFileSync(file, 'utf8')))));
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export const uniqueModel = () => `cp-${randomUUID().slice(0, 8)}`;

/** The call's gRPC status name and message; fails the test when the call succeeds. */
export async function failure(call: Promise<unknown>): Promise<{ code: string; details: string }> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e as { code: number; details: string },
  );
  if (!error) throw new Error('the call succeeded');
  return { code: status[error.code]!, details: error.details };
}
