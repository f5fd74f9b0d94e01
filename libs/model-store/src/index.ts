/**
 * @ballast/model-store: models as data. A model version is a folder
 * `<model>/<version>/` holding the ONNX file, manifest.json (tensors, features,
 * checksum, training metadata) and profile.json (the reference profile drift
 * analysis compares traffic with). Everything read is validated, with errors that
 * name the field; model bytes are checked against the manifest's sha256; versions
 * are published atomically and never overwritten.
 *
 * @example
 * import { FileSystemArtifactStore } from '@ballast/model-store';
 * const store = new FileSystemArtifactStore({ root: config.MODEL_STORE_DIR });
 * const latest = (await store.listVersions('breast-cancer')).at(-1)!;
 * const { manifest, bytes } = await store.readModel('breast-cancer', latest);
 * await store.putVersion({ manifest: { ...manifest, version: '2' }, model: bytes, profile });
 */
export { sha256Hex } from './checksum';
export {
  ChecksumMismatchError,
  InvalidNameError,
  ManifestError,
  ModelFileError,
  ModelNotFoundError,
  ProfileError,
  VersionExistsError,
  VersionNotFoundError,
} from './errors';
export type {
  FeatureSpec,
  FeatureType,
  JsonValue,
  ModelManifest,
  ModelTask,
  TensorDatatype,
  TensorSpec,
  TrainingInfo,
} from './manifest';
export {
  FEATURE_TYPES,
  MODEL_TASKS,
  NAME_PATTERN,
  TENSOR_DATATYPES,
  parseManifest,
} from './manifest';
export type {
  CategoricalProfile,
  FeatureProfile,
  NumericProfile,
  ReferenceProfile,
} from './profile';
export { parseProfile } from './profile';
export type { ModelSignature } from './signature';
export { modelSignatureMismatch } from './signature';
export type { ArtifactStore, FileSystemArtifactStoreOptions } from './store';
export { FileSystemArtifactStore, sortVersions } from './store';
export type { Problem } from './validate';
