import { userInfo } from 'node:os';
import { parseCount } from '../args';

/** Flags of every command that calls the control plane. */
export const CONTROL_OPTIONS = {
  control: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** Flags of every command that changes something: who, why, and compare-and-swap. */
export const CHANGE_OPTIONS = {
  reason: { type: 'string' },
  actor: { type: 'string' },
  'expected-generation': { type: 'string' },
} as const;

export const CONTROL_USAGE = `  --control HOST:PORT   control plane address (default: BALLAST_CONTROL, then
                        .data/endpoints.json written by \`npm start\`)
  --json                print the response as JSON (protobuf JSON mapping)`;

export const CHANGE_USAGE = `  --reason TEXT         why, recorded in the audit history
  --actor NAME          who, recorded in the audit history (default: OS user name)
  --expected-generation N
                        apply only if the deployment's generation is still N
                        (0: the model has no deployment yet)`;

/** The OS user name; environments without a passwd entry fall back to $USER. */
function defaultActor(env: NodeJS.ProcessEnv): string {
  try {
    return userInfo().username;
  } catch {
    return env['USER'] ?? env['LOGNAME'] ?? 'unknown';
  }
}

export interface ChangeFields {
  context: { actor: string; reason: string };
  expectedGeneration?: bigint;
}

/** The change context and optional expected generation from CHANGE_OPTIONS' values. */
export function changeFields(
  values: { reason?: string; actor?: string; 'expected-generation'?: string },
  env: NodeJS.ProcessEnv,
): ChangeFields {
  const context = {
    actor: values.actor || defaultActor(env),
    reason: values.reason ?? '',
  };
  const expected = values['expected-generation'];
  return expected === undefined
    ? { context }
    : { context, expectedGeneration: parseCount(expected, 'expected-generation') };
}
