/**
 * A model version offered for registration, read from a folder and checked before
 * anything is stored: the manifest and profile parse, the model file hashes to the
 * manifest's sha256, onnxruntime opens it, and its inputs and outputs are the
 * manifest's.
 */
import {
  ManifestError,
  ProfileError,
  modelSignatureMismatch,
  parseManifest,
  parseProfile,
  sha256Hex,
  type ModelManifest,
  type ModelSignature,
  type ReferenceProfile,
} from '@ballast/model-store';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError } from './errors';

export interface Candidate {
  readonly manifest: ModelManifest;
  readonly bytes: Uint8Array;
  readonly profile: ReferenceProfile | undefined;
  /** Equal digests: the same registration (see {@link contentDigest}). */
  readonly digest: string;
}

/** Opens model bytes the way the inference service will (onnxruntime-node in production). */
export type ModelOpener = (
  bytes: Uint8Array,
) => Promise<ModelSignature & { release(): Promise<void> }>;

export interface CandidateRequest {
  /** Empty: the manifest's name. */
  readonly model: string;
  /** Empty: the manifest's version. */
  readonly version: string;
  readonly sourcePath: string;
}

/** sha256 over the model file, the manifest and the profile, as they would be stored. */
export function contentDigest(
  manifest: ModelManifest,
  bytes: Uint8Array,
  profile: ReferenceProfile | undefined,
): string {
  return sha256Hex(
    new TextEncoder().encode(
      `${sha256Hex(bytes)}\n${JSON.stringify(manifest)}\n${JSON.stringify(profile ?? null)}`,
    ),
  );
}

export async function readCandidate(
  request: CandidateRequest,
  open: ModelOpener,
): Promise<Candidate> {
  if (request.sourcePath.trim() === '')
    throw new InvalidArgumentError('source_path', 'must not be empty');
  const dir = path.resolve(request.sourcePath);
  const manifestJson = await readJson(dir, 'manifest.json');
  if (manifestJson === undefined)
    throw new InvalidArgumentError('source_path', `${dir} has no manifest.json`);
  const manifest = parsed(() => parseManifest(manifestJson), 'manifest');
  for (const key of ['model', 'version'] as const) {
    const declared = key === 'model' ? manifest.name : manifest.version;
    if (request[key] !== '' && request[key] !== declared)
      throw new InvalidArgumentError(
        key,
        `is "${request[key]}", the manifest in ${dir} says "${declared}"`,
      );
  }
  const bytes = await readFile(path.join(dir, manifest.file)).catch((error: unknown) => {
    throw new InvalidArgumentError(
      'source_path',
      `cannot read ${manifest.file} in ${dir} (${(error as { code?: string }).code ?? 'error'})`,
      { cause: error },
    );
  });
  const actual = sha256Hex(bytes);
  if (actual !== manifest.sha256)
    throw new InvalidArgumentError(
      'manifest.sha256',
      `is ${manifest.sha256}, but ${manifest.file} has sha256 ${actual}`,
    );
  const profileJson = await readJson(dir, 'profile.json');
  const profile =
    profileJson === undefined
      ? undefined
      : parsed(() => parseProfile(profileJson, { manifest }), 'profile');
  await checkModel(bytes, manifest, open);
  return { manifest, bytes, profile, digest: contentDigest(manifest, bytes, profile) };
}

async function checkModel(bytes: Uint8Array, manifest: ModelManifest, open: ModelOpener) {
  let model: Awaited<ReturnType<ModelOpener>>;
  try {
    model = await open(bytes);
  } catch (error) {
    throw new InvalidArgumentError(
      'source_path',
      `onnxruntime cannot open ${manifest.file}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const mismatch = modelSignatureMismatch(manifest, model);
  await model.release();
  if (mismatch) throw new InvalidArgumentError('manifest.inputs', mismatch);
}

/** The parsed JSON file, undefined when it does not exist. */
async function readJson(dir: string, file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path.join(dir, file), 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT') return undefined;
    throw new InvalidArgumentError('source_path', `cannot read ${file} in ${dir} (${code})`, {
      cause: error,
    });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidArgumentError(file, `is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Runs a model-store parser, reporting its problems as one invalid field. */
function parsed<T>(parse: () => T, what: 'manifest' | 'profile'): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ManifestError || error instanceof ProfileError) {
      const problems = error.problems.map((p) => `${what}.${p.field}: ${p.reason}`);
      throw new InvalidArgumentError(`${what}.json`, problems.join('; '), { cause: error });
    }
    throw error;
  }
}
