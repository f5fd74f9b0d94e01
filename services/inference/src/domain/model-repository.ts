import {
  modelSignatureMismatch,
  type ArtifactStore,
  type ModelManifest,
} from '@ballast/model-store';
import type { Logger } from '@ballast/telemetry';
import { ModelLoadError, ModelNotLoadedError } from './errors';
import { openModel, type ModelExecutor } from './executor';
import { LoadedVersion, type ExecutionObserver, type ServingSettings } from './loaded-version';

interface Resident {
  versions: Map<string, LoadedVersion>;
  /** The version that answers requests naming no version. */
  current: string;
}

export interface LoadOptions {
  /** Keep the version that was current resident (for canaries); by default it drains and goes. */
  keepPrevious?: boolean;
  /**
   * Make the loaded version the one that answers requests naming no version (the
   * default). False loads it beside the current one, reachable by its version only.
   */
  makeCurrent?: boolean;
}

export interface ModelRepositoryOptions {
  store: Pick<ArtifactStore, 'listVersions' | 'readModel'>;
  settingsFor: (manifest: ModelManifest) => ServingSettings;
  logger: Logger;
  /** Opens a model's bytes; by default where its settings' `execution` says. */
  open?: (
    bytes: Uint8Array,
    settings: ServingSettings,
    manifest: ModelManifest,
  ) => Promise<ModelExecutor>;
  observer?: ExecutionObserver;
}

export interface IndexEntry {
  name: string;
  version: string;
  state: 'READY';
  current: boolean;
}

/**
 * The models resident in this process. Loading a version happens beside what is
 * serving; only a fully loaded, checked version becomes current, in one step, and
 * the version it replaces drains its requests before it is released. A load that
 * fails leaves everything as it was.
 */
export class ModelRepository {
  private readonly resident = new Map<string, Resident>();
  /** Loads under way, so two requests for the same version share one. */
  private readonly opening = new Map<string, Promise<LoadedVersion>>();
  private readonly store: ModelRepositoryOptions['store'];
  private readonly settingsFor: ModelRepositoryOptions['settingsFor'];
  private readonly logger: Logger;
  private readonly openBytes: NonNullable<ModelRepositoryOptions['open']>;
  private readonly observer: ExecutionObserver | undefined;

  constructor(options: ModelRepositoryOptions) {
    this.store = options.store;
    this.settingsFor = options.settingsFor;
    this.logger = options.logger;
    this.openBytes =
      options.open ??
      ((bytes, settings, manifest) =>
        openModel(
          bytes,
          { ...settings, warmupRows: settings.batching?.maxBatchSize ?? 1 },
          manifest.inputs,
        ));
    this.observer = options.observer;
  }

  /** Loads `version` (default: the store's latest) and, unless told otherwise, makes it current. */
  async load(name: string, version?: string, options: LoadOptions = {}): Promise<LoadedVersion> {
    const chosen = version ?? (await this.latest(name));
    const loaded =
      this.resident.get(name)?.versions.get(chosen) ?? (await this.openOnce(name, chosen));
    const makeCurrent = options.makeCurrent ?? true;
    const entry = this.resident.get(name);
    if (!entry) {
      this.resident.set(name, { versions: new Map([[chosen, loaded]]), current: chosen });
    } else {
      const previous = entry.current;
      entry.versions.set(chosen, loaded);
      if (makeCurrent) entry.current = chosen;
      if (makeCurrent && previous !== chosen && !options.keepPrevious) this.retire(entry, previous);
    }
    this.logger.info('model version loaded', {
      model: name,
      version: chosen,
      current: this.resident.get(name)?.current === chosen,
      batching: loaded.batching,
      execution: loaded.execution,
    });
    return loaded;
  }

  /** Unloads one version, or every version of the model; requests in flight finish first. */
  async unload(name: string, version?: string): Promise<void> {
    const entry = this.resident.get(name);
    if (!entry || (version !== undefined && !entry.versions.has(version)))
      throw new ModelNotLoadedError(name, version);
    const versions = version === undefined ? [...entry.versions.keys()] : [version];
    await Promise.all(versions.map((v) => this.retire(entry, v)));
    if (entry.versions.size === 0) this.resident.delete(name);
    else if (!entry.versions.has(entry.current)) entry.current = [...entry.versions.keys()].at(-1)!;
  }

  /** The version to serve a request: the named one, or the current one. */
  resolve(name: string, version?: string): LoadedVersion {
    const entry = this.resident.get(name);
    const loaded = entry?.versions.get(version || entry.current);
    if (!loaded) throw new ModelNotLoadedError(name, version || undefined);
    return loaded;
  }

  versionsOf(name: string): string[] {
    return [...(this.resident.get(name)?.versions.keys() ?? [])];
  }

  index(): IndexEntry[] {
    return [...this.resident.entries()].flatMap(([name, entry]) =>
      [...entry.versions.keys()].map((version) => ({
        name,
        version,
        state: 'READY' as const,
        current: version === entry.current,
      })),
    );
  }

  /** Unloads everything (shutdown). */
  async close(): Promise<void> {
    await Promise.all([...this.resident.keys()].map((name) => this.unload(name)));
  }

  private async latest(name: string): Promise<string> {
    const versions = await this.store.listVersions(name).catch((error: unknown) => {
      throw new ModelLoadError(name, '(latest)', 'the artifact store has no such model', {
        cause: error,
      });
    });
    const last = versions.at(-1);
    if (!last)
      throw new ModelLoadError(name, '(latest)', 'the artifact store has no version of it');
    return last;
  }

  private openOnce(name: string, version: string): Promise<LoadedVersion> {
    const key = `${name}@${version}`;
    const pending = this.opening.get(key) ?? this.open(name, version);
    this.opening.set(key, pending);
    return pending.finally(() => this.opening.delete(key));
  }

  private async open(name: string, version: string): Promise<LoadedVersion> {
    let artifact: Awaited<ReturnType<ArtifactStore['readModel']>>;
    try {
      artifact = await this.store.readModel(name, version);
    } catch (error) {
      throw new ModelLoadError(name, version, (error as Error).message, { cause: error });
    }
    const settings = this.settingsFor(artifact.manifest);
    let model: ModelExecutor;
    try {
      model = await this.openBytes(artifact.bytes, settings, artifact.manifest);
    } catch (error) {
      throw new ModelLoadError(
        name,
        version,
        `onnxruntime cannot open model.onnx: ${(error as Error).message}`,
        { cause: error },
      );
    }
    const mismatch = modelSignatureMismatch(artifact.manifest, model);
    if (mismatch) {
      await model.release();
      throw new ModelLoadError(name, version, mismatch);
    }
    return new LoadedVersion(artifact.manifest, model, settings, this.observer);
  }

  private retire(entry: Resident, version: string): Promise<void> {
    const loaded = entry.versions.get(version);
    entry.versions.delete(version);
    if (!loaded) return Promise.resolve();
    return loaded.retire().then(
      () => this.logger.info('model version unloaded', { model: loaded.name, version }),
      (error: unknown) =>
        this.logger.error('releasing a model version failed', {
          model: loaded.name,
          version,
          error,
        }),
    );
  }
}
