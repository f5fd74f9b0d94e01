/**
 * Everything the control plane knows, as one immutable value: registered versions,
 * each model's deployment and the deployments before it, the audit history and the
 * events not yet acknowledged by Kafka (the outbox). A change builds the next value,
 * which is written to disk before it replaces this one, so a failed write changes
 * nothing.
 */
import type { ControlEvent, Deployment } from '@ballast/contracts';

export interface VersionRecord {
  readonly version: string;
  /** Hex sha256 of the model file. */
  readonly sha256: string;
  /** sha256 over the model file, manifest and profile: equal digests, equal registrations. */
  readonly contentDigest: string;
  readonly registeredTime: Date;
  readonly registeredBy: string;
  readonly features: readonly { readonly name: string; readonly type: string }[];
  readonly hasProfile: boolean;
}

export interface ModelRecord {
  /** In registration order. */
  readonly versions: readonly VersionRecord[];
  /** The active deployment; its generation is the model's (0 without one). */
  readonly deployment: Deployment | undefined;
  /** Deployments that were active before, most recent last: what Rollback returns to. */
  readonly past: readonly Deployment[];
}

export const AUDIT_ACTIONS = [
  'register',
  'deploy',
  'promote',
  'pause',
  'resume',
  'stop',
  'rollback',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditRecord {
  readonly time: Date;
  readonly actor: string;
  readonly reason: string;
  readonly action: AuditAction;
  readonly model: string;
  /** The version registered, for registrations. */
  readonly version?: string;
  /** The deployment that became active, for every other action. */
  readonly deployment?: Deployment;
}

export interface ControlState {
  readonly models: ReadonlyMap<string, ModelRecord>;
  /** Oldest first. */
  readonly audit: readonly AuditRecord[];
  /** Events persisted with their change and not yet acknowledged by Kafka, in order. */
  readonly outbox: readonly ControlEvent[];
}

export const EMPTY_STATE: ControlState = { models: new Map(), audit: [], outbox: [] };

export function generationOf(record: ModelRecord | undefined): bigint {
  return record?.deployment?.generation ?? 0n;
}

/** Who made a change and why, as the caller said. */
export interface ChangeContext {
  readonly actor: string;
  readonly reason: string;
}
