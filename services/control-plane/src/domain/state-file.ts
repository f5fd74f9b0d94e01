/**
 * The control plane's state on disk: one JSON document, replaced atomically (written
 * to a temporary file, synced, renamed over the old one, directory synced), so after
 * a crash the file is either the old state or the new one, never a mix.
 */
import {
  ControlEventSchema,
  DeploymentSchema,
  type ControlEvent,
  type Deployment,
} from '@ballast/contracts';
import { fromJson, toJson, type JsonValue } from '@bufbuild/protobuf';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { StateFileError } from './errors';
import {
  AUDIT_ACTIONS,
  EMPTY_STATE,
  type AuditRecord,
  type ControlState,
  type ModelRecord,
  type VersionRecord,
} from './state';

const FORMAT = 1;
export const STATE_FILE_NAME = 'state.json';

interface VersionJson extends Omit<VersionRecord, 'registeredTime'> {
  registeredTime: string;
}
interface ModelJson {
  versions: VersionJson[];
  deployment?: JsonValue;
  past: JsonValue[];
}
interface AuditJson extends Omit<AuditRecord, 'time' | 'deployment'> {
  time: string;
  deployment?: JsonValue;
}
interface StateJson {
  format: number;
  models: Record<string, ModelJson>;
  audit: AuditJson[];
  outbox: JsonValue[];
}

const deploymentJson = (d: Deployment) => toJson(DeploymentSchema, d);
const deployment = (json: JsonValue) => fromJson(DeploymentSchema, json);

export function encodeState(state: ControlState): StateJson {
  const models: Record<string, ModelJson> = {};
  for (const [name, record] of state.models) {
    models[name] = {
      versions: record.versions.map((v) => ({
        ...v,
        registeredTime: v.registeredTime.toISOString(),
      })),
      ...(record.deployment && { deployment: deploymentJson(record.deployment) }),
      past: record.past.map(deploymentJson),
    };
  }
  return {
    format: FORMAT,
    models,
    audit: state.audit.map(({ deployment: d, time, ...rest }) => ({
      ...rest,
      time: time.toISOString(),
      ...(d && { deployment: deploymentJson(d) }),
    })),
    outbox: state.outbox.map((e: ControlEvent) => toJson(ControlEventSchema, e)),
  };
}

export function decodeState(json: StateJson): ControlState {
  if (json.format !== FORMAT) throw new Error(`format ${String(json.format)} is not ${FORMAT}`);
  const models = new Map<string, ModelRecord>();
  for (const [name, m] of Object.entries(json.models)) {
    models.set(name, {
      versions: m.versions.map((v) => ({ ...v, registeredTime: new Date(v.registeredTime) })),
      deployment: m.deployment === undefined ? undefined : deployment(m.deployment),
      past: m.past.map(deployment),
    });
  }
  const audit = json.audit.map(({ deployment: d, time, ...rest }): AuditRecord => {
    if (!AUDIT_ACTIONS.includes(rest.action)) throw new Error(`unknown action "${rest.action}"`);
    return { ...rest, time: new Date(time), ...(d !== undefined && { deployment: deployment(d) }) };
  });
  const outbox = json.outbox.map((e) => fromJson(ControlEventSchema, e));
  return { models, audit, outbox };
}

/** Reads and replaces the state file in `dir`. */
export class StateFile {
  readonly path: string;

  constructor(dir: string) {
    this.path = path.resolve(dir, STATE_FILE_NAME);
  }

  /** The stored state; the empty state when there is no file yet. */
  async load(): Promise<ControlState> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return EMPTY_STATE;
      throw new StateFileError(this.path, 'cannot be read', { cause: error });
    }
    try {
      return decodeState(JSON.parse(text) as StateJson);
    } catch (error) {
      throw new StateFileError(this.path, `is not a valid state: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  async save(state: ControlState): Promise<void> {
    const dir = path.dirname(this.path);
    const temp = `${this.path}.${process.pid}.tmp`;
    try {
      await mkdir(dir, { recursive: true });
      const file = await open(temp, 'w');
      try {
        await file.writeFile(`${JSON.stringify(encodeState(state), null, 2)}\n`);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temp, this.path);
      // The rename is durable only once the directory entry is.
      const folder = await open(dir, 'r');
      try {
        await folder.sync();
      } finally {
        await folder.close();
      }
    } catch (error) {
      await rm(temp, { force: true });
      throw new StateFileError(this.path, 'cannot be written', { cause: error });
    }
  }
}
