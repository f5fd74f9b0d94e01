/**
 * The control plane's use cases: register versions, change deployments, read the
 * registry, the deployments and the audit history. Changes run one at a time; each
 * builds the next state (with its audit entry and its events in the outbox), writes
 * it to disk, and only then becomes current and is answered. Publishing the outbox
 * is the caller's (transport/outbox-publisher.ts): it is told after every change.
 */
import type { ControlEvent, Deployment, ExperimentState } from '@ballast/contracts';
import {
  ProfileError,
  VersionExistsError,
  type ArtifactStore,
  type ReferenceProfile,
} from '@ballast/model-store';
import { randomUUID } from 'node:crypto';
import {
  contentDigest,
  readCandidate,
  type Candidate,
  type CandidateRequest,
  type ModelOpener,
} from './candidate';
import { validateDeployment, type Registry } from './deployment-validation';
import * as transitions from './deployments';
import { NotRegisteredError, VersionConflictError } from './errors';
import { deploymentChanged, versionRegistered } from './events';
import { SerialQueue } from './serial-queue';
import {
  generationOf,
  type AuditRecord,
  type ChangeContext,
  type ControlState,
  type ModelRecord,
  type VersionRecord,
} from './state';

export interface ControlPlaneOptions {
  state: ControlState;
  save: (state: ControlState) => Promise<void>;
  store: Pick<ArtifactStore, 'putVersion' | 'readModel' | 'getProfile'>;
  openModel: ModelOpener;
  clock?: () => Date;
  newEventId?: () => string;
}

/** Whether a change request changed anything (an identical repeat does not). */
export interface Changed<T> {
  readonly value: T;
  readonly changed: boolean;
}

export interface ModelDescription {
  readonly name: string;
  readonly versions: readonly VersionRecord[];
  readonly deployment: Deployment | undefined;
}

export interface RegisteredVersion {
  readonly model: string;
  readonly version: VersionRecord;
}

export const DEFAULT_HISTORY_LIMIT = 100;

export class ControlPlane implements Registry {
  private state: ControlState;
  private readonly queue = new SerialQueue();
  private readonly listeners: (() => void)[] = [];
  private readonly clock: () => Date;
  private readonly newEventId: () => string;

  constructor(private readonly options: ControlPlaneOptions) {
    this.state = options.state;
    this.clock = options.clock ?? (() => new Date());
    this.newEventId = options.newEventId ?? randomUUID;
  }

  /** Called after every change is on disk (to publish the outbox). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  isRegistered(model: string, version?: string): boolean {
    const record = this.state.models.get(model);
    return (
      record !== undefined &&
      (version === undefined || record.versions.some((v) => v.version === version))
    );
  }

  async register(
    request: CandidateRequest,
    context: ChangeContext,
  ): Promise<Changed<RegisteredVersion>> {
    // Checked outside the queue: opening a model is slow, and needs no state.
    const candidate = await readCandidate(request, this.options.openModel);
    return this.queue.run(async () => {
      const { name, version } = candidate.manifest;
      const record = this.state.models.get(name) ?? {
        versions: [],
        deployment: undefined,
        past: [],
      };
      const existing = record.versions.find((v) => v.version === version);
      if (existing) {
        if (existing.contentDigest !== candidate.digest)
          throw new VersionConflictError(name, version, 'registered');
        return { value: { model: name, version: existing }, changed: false };
      }
      await this.storeVersion(candidate);
      const time = this.clock();
      const info: VersionRecord = {
        version,
        sha256: candidate.manifest.sha256,
        contentDigest: candidate.digest,
        registeredTime: time,
        registeredBy: context.actor,
        features: candidate.manifest.features.map((f) => ({ name: f.name, type: f.type })),
        hasProfile: candidate.profile !== undefined,
      };
      await this.commit({
        model: name,
        record: { ...record, versions: [...record.versions, info] },
        audit: { time, ...context, action: 'register', model: name, version },
        event: versionRegistered({ eventId: this.newEventId(), time, context }, name, version),
      });
      return { value: { model: name, version: info }, changed: true };
    });
  }

  deploy(
    input: Deployment | undefined,
    expectedGeneration: bigint | undefined,
    context: ChangeContext,
  ): Promise<Deployment> {
    return this.queue.run(async () => {
      const deployment = validateDeployment(input, this);
      const record = this.modelRecord(deployment.model);
      transitions.checkGeneration(deployment.model, record, expectedGeneration);
      return this.apply(
        deployment.model,
        transitions.activate(record, deployment, 'deploy'),
        context,
      );
    });
  }

  promote(
    model: string,
    target: { version: string; variant: string },
    expectedGeneration: bigint | undefined,
    context: ChangeContext,
  ): Promise<Deployment> {
    return this.change(model, expectedGeneration, context, (record) =>
      transitions.promote(model, record, target, this),
    );
  }

  async setExperimentState(
    model: string,
    state: ExperimentState,
    expectedGeneration: bigint | undefined,
    context: ChangeContext,
  ): Promise<Changed<Deployment>> {
    let changed = true;
    const value = await this.change(model, expectedGeneration, context, (record) => {
      const transition = transitions.setExperimentState(model, record, state);
      changed = transition !== undefined;
      return transition;
    });
    return { value, changed };
  }

  rollback(
    model: string,
    expectedGeneration: bigint | undefined,
    context: ChangeContext,
  ): Promise<Deployment> {
    return this.change(model, expectedGeneration, context, (record) =>
      transitions.rollback(model, record),
    );
  }

  listModels(): { name: string; versions: string[]; generation: bigint }[] {
    return [...this.state.models.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, record]) => ({
        name,
        versions: record.versions.map((v) => v.version),
        generation: generationOf(record),
      }));
  }

  describe(model: string): ModelDescription {
    const record = this.modelRecord(model);
    return { name: model, versions: record.versions, deployment: record.deployment };
  }

  listDeployments(): Deployment[] {
    return this.listModels().flatMap(({ name }) => this.state.models.get(name)?.deployment ?? []);
  }

  /** Newest first; `model` empty: every model; `limit` 0: {@link DEFAULT_HISTORY_LIMIT}. */
  history(model: string, limit: number): AuditRecord[] {
    const wanted = limit > 0 ? limit : DEFAULT_HISTORY_LIMIT;
    const entries: AuditRecord[] = [];
    for (let i = this.state.audit.length - 1; i >= 0 && entries.length < wanted; i--) {
      const entry = this.state.audit[i]!;
      if (model === '' || entry.model === model) entries.push(entry);
    }
    return entries;
  }

  /** Events persisted and not yet acknowledged by Kafka, in order. */
  pendingEvents(): readonly ControlEvent[] {
    return this.state.outbox;
  }

  /** Kafka acknowledged these events: they leave the outbox. */
  acknowledge(eventIds: readonly string[]): Promise<void> {
    const done = new Set(eventIds);
    return this.queue.run(async () => {
      const outbox = this.state.outbox.filter((e) => !done.has(e.eventId));
      if (outbox.length === this.state.outbox.length) return;
      const next = { ...this.state, outbox };
      await this.options.save(next);
      this.state = next;
    });
  }

  /** A change to a model's deployment, by a transition of its record; undefined: no change. */
  private change(
    model: string,
    expectedGeneration: bigint | undefined,
    context: ChangeContext,
    transition: (record: ModelRecord) => transitions.Transition | undefined,
  ): Promise<Deployment> {
    return this.queue.run(async () => {
      const record = this.modelRecord(model);
      transitions.checkGeneration(model, record, expectedGeneration);
      const next = transition(record);
      return next ? this.apply(model, next, context) : record.deployment!;
    });
  }

  private async apply(
    model: string,
    { action, record }: transitions.Transition,
    context: ChangeContext,
  ): Promise<Deployment> {
    const deployment = record.deployment!;
    const time = this.clock();
    await this.commit({
      model,
      record,
      audit: { time, ...context, action, model, deployment },
      event: deploymentChanged({ eventId: this.newEventId(), time, context }, deployment),
    });
    return deployment;
  }

  /** Writes the next state to disk, then makes it current and tells the listeners. */
  private async commit(change: {
    model: string;
    record: ModelRecord;
    audit: AuditRecord;
    event: ControlEvent;
  }): Promise<void> {
    const models = new Map(this.state.models).set(change.model, change.record);
    const next: ControlState = {
      models,
      audit: [...this.state.audit, change.audit],
      outbox: [...this.state.outbox, change.event],
    };
    await this.options.save(next);
    this.state = next;
    for (const listener of this.listeners) listener();
  }

  private modelRecord(model: string): ModelRecord {
    const record = this.state.models.get(model);
    if (!record) throw new NotRegisteredError(model);
    return record;
  }

  /**
   * Puts the version in the artifact store. It may be there already: a registration
   * that crashed before its state was written, or a store shared with a copy of the
   * same models. Identical content is then registered as it is; anything else is a
   * conflict, since published versions never change.
   */
  private async storeVersion(candidate: Candidate): Promise<void> {
    const { manifest, bytes, profile } = candidate;
    try {
      await this.options.store.putVersion({ manifest, model: bytes, profile });
    } catch (error) {
      if (!(error instanceof VersionExistsError)) throw error;
      const stored = await this.options.store.readModel(manifest.name, manifest.version);
      const storedProfile = await this.options.store
        .getProfile(manifest.name, manifest.version)
        .catch((e: unknown): ReferenceProfile | undefined => {
          if (e instanceof ProfileError) return undefined;
          throw e;
        });
      if (contentDigest(stored.manifest, stored.bytes, storedProfile) !== candidate.digest)
        throw new VersionConflictError(manifest.name, manifest.version, 'in the artifact store');
    }
  }
}
