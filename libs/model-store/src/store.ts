/**
 * Where model versions live: `<root>/<model>/<version>/` holding the model file,
 * manifest.json and profile.json. A published version never changes; readers get
 * either all of it or none of it.
 */
import type { Dirent } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { sha256Hex } from './checksum';
import {
  ChecksumMismatchError,
  InvalidNameError,
  ManifestError,
  ModelFileError,
  ModelNotFoundError,
  ProfileError,
  VersionExistsError,
  VersionNotFoundError,
} from './errors';
import { NAME_PATTERN, parseManifest, type ModelManifest } from './manifest';
import { parseProfile, type ReferenceProfile } from './profile';
import { ROOT } from './validate';

/**
 * The artifact store's whole contract, kept to whole-object reads and one write so
 * an object store (S3 and the like) can implement it as well as a file system.
 */
export interface ArtifactStore {
  /** Model names, sorted. */
  listModels(): Promise<string[]>;
  /** Versions of a model, oldest first: numerically when all are numbers, else lexically. */
  listVersions(model: string): Promise<string[]>;
  getManifest(model: string, version: string): Promise<ModelManifest>;
  getProfile(model: string, version: string): Promise<ReferenceProfile>;
  /** The manifest and the model bytes, checked against the manifest's sha256. */
  readModel(
    model: string,
    version: string,
  ): Promise<{ manifest: ModelManifest; bytes: Uint8Array }>;
  /**
   * Publishes a new version, all at once; an existing version is never replaced. A
   * version without a profile serves but cannot be analysed for drift.
   */
  putVersion(input: {
    manifest: ModelManifest;
    model: Uint8Array;
    profile?: ReferenceProfile;
  }): Promise<void>;
}

const MANIFEST_FILE = 'manifest.json';
const PROFILE_FILE = 'profile.json';
// Starts with a dot, so the name pattern keeps it out of every listing.
const STAGING_PREFIX = '.incoming-';

/** Oldest first: numerically when every version is a whole number (1, 2, 10), else lexically. */
export function sortVersions(versions: readonly string[]): string[] {
  if (!versions.every((v) => /^\d+$/.test(v))) return [...versions].sort();
  return [...versions].sort((a, b) => {
    const d = BigInt(a) - BigInt(b);
    return d < 0n ? -1 : d > 0n ? 1 : a < b ? -1 : a > b ? 1 : 0;
  });
}

export interface FileSystemArtifactStoreOptions {
  /** The folder holding one folder per model; created on the first put. */
  readonly root: string;
}

/** {@link ArtifactStore} on a local (or mounted) file system. */
export class FileSystemArtifactStore implements ArtifactStore {
  readonly root: string;

  constructor(options: FileSystemArtifactStoreOptions) {
    this.root = path.resolve(options.root);
  }

  async listModels(): Promise<string[]> {
    const models = await subfolders(this.root);
    // A put that failed after creating the model folder leaves it empty: not a model.
    const used = await Promise.all(
      models.map(async (m) => (await subfolders(path.join(this.root, m))).length > 0),
    );
    return models.filter((_, i) => used[i]).sort();
  }

  async listVersions(model: string): Promise<string[]> {
    checkName('model', model);
    const folder = path.join(this.root, model);
    if (!(await isFolder(folder))) throw new ModelNotFoundError(model);
    return sortVersions(await subfolders(folder));
  }

  async getManifest(model: string, version: string): Promise<ModelManifest> {
    const file = path.join(this.folder(model, version), MANIFEST_FILE);
    const manifest = parseManifest(await this.readJson(model, version, file, ManifestError), {
      source: file,
    });
    const misplaced = [
      manifest.name !== model && { field: 'name', reason: `must be "${model}", its folder` },
      manifest.version !== version && {
        field: 'version',
        reason: `must be "${version}", its folder`,
      },
    ].filter((p) => p !== false);
    if (misplaced.length > 0) throw new ManifestError(misplaced, { source: file });
    return manifest;
  }

  async getProfile(model: string, version: string): Promise<ReferenceProfile> {
    const manifest = await this.getManifest(model, version);
    const file = path.join(this.folder(model, version), PROFILE_FILE);
    const json = await this.readJson(model, version, file, ProfileError);
    return parseProfile(json, { manifest, source: file });
  }

  async readModel(
    model: string,
    version: string,
  ): Promise<{ manifest: ModelManifest; bytes: Uint8Array }> {
    const manifest = await this.getManifest(model, version);
    const file = path.join(this.folder(model, version), manifest.file);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(file);
    } catch (error) {
      throw new ModelFileError(model, version, file, { cause: error });
    }
    const actual = sha256Hex(bytes);
    if (actual !== manifest.sha256) {
      throw new ChecksumMismatchError(model, version, manifest.sha256, actual);
    }
    return { manifest, bytes };
  }

  async putVersion(input: {
    manifest: ModelManifest;
    model: Uint8Array;
    profile?: ReferenceProfile;
  }): Promise<void> {
    // Parsed again: the input may be built by hand, and what is stored must load.
    const manifest = parseManifest(input.manifest);
    const profile =
      input.profile === undefined ? undefined : parseProfile(input.profile, { manifest });
    const { name, version } = manifest;
    const actual = sha256Hex(input.model);
    if (actual !== manifest.sha256) {
      throw new ChecksumMismatchError(name, version, manifest.sha256, actual);
    }
    const target = this.folder(name, version);
    if (await exists(target)) throw new VersionExistsError(name, version);

    await mkdir(path.dirname(target), { recursive: true });
    // Staged in the root, on the same file system, so the rename below is atomic.
    const staging = await mkdtemp(path.join(this.root, `${STAGING_PREFIX}${name}-${version}-`));
    try {
      await writeSynced(path.join(staging, manifest.file), input.model);
      if (profile) await writeSynced(path.join(staging, PROFILE_FILE), toJson(profile));
      await writeSynced(path.join(staging, MANIFEST_FILE), toJson(manifest));
      await rename(staging, target);
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      // Renaming onto a non-empty folder fails: another put of this version won.
      if (hasCode(error, 'ENOTEMPTY', 'EEXIST')) {
        throw new VersionExistsError(name, version, { cause: error });
      }
      throw error;
    }
  }

  private folder(model: string, version: string): string {
    checkName('model', model);
    checkName('version', version);
    return path.join(this.root, model, version);
  }

  private async readJson(
    model: string,
    version: string,
    file: string,
    Invalid: typeof ManifestError | typeof ProfileError,
  ): Promise<unknown> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (hasCode(error, 'ENOENT', 'ENOTDIR')) await this.mustExist(model, version);
      const reason = hasCode(error, 'ENOENT') ? 'is missing' : `cannot be read (${codeOf(error)})`;
      throw new Invalid([{ field: ROOT, reason }], { source: file, cause: error });
    }
    try {
      return JSON.parse(text);
    } catch (error) {
      const reason = `is not valid JSON: ${(error as Error).message}`;
      throw new Invalid([{ field: ROOT, reason }], { source: file, cause: error });
    }
  }

  /** Throws the not-found error that explains a missing file, if there is one. */
  private async mustExist(model: string, version: string): Promise<void> {
    if (await isFolder(path.join(this.root, model, version))) return;
    if (await isFolder(path.join(this.root, model))) throw new VersionNotFoundError(model, version);
    throw new ModelNotFoundError(model);
  }
}

function checkName(kind: 'model' | 'version', value: string): void {
  if (typeof value !== 'string' || !NAME_PATTERN.test(value)) {
    throw new InvalidNameError(kind, String(value));
  }
}

/** Names of the sub-folders that are models or versions; none if `folder` is absent. */
async function subfolders(folder: string): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    if (hasCode(error, 'ENOENT', 'ENOTDIR')) return [];
    throw error;
  }
  const named = entries.filter((e) => NAME_PATTERN.test(e.name));
  const folders = await Promise.all(
    named.map((e) =>
      e.isSymbolicLink() ? isFolder(path.join(folder, e.name)) : Promise.resolve(e.isDirectory()),
    ),
  );
  return named.filter((_, i) => folders[i]).map((e) => e.name);
}

async function isFolder(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch (error) {
    if (hasCode(error, 'ENOENT', 'ENOTDIR')) return false;
    throw error;
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch (error) {
    if (hasCode(error, 'ENOENT')) return false;
    throw error;
  }
}

// Synced before the rename, so after a crash a version is either absent or complete.
async function writeSynced(file: string, data: Uint8Array | string): Promise<void> {
  const handle = await open(file, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function codeOf(error: unknown): string | undefined {
  return (error as { code?: unknown } | null)?.code as string | undefined;
}

function hasCode(error: unknown, ...codes: string[]): boolean {
  const code = codeOf(error);
  return code !== undefined && codes.includes(code);
}
