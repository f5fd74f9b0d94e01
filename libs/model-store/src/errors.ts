/**
 * The model store's errors. A caller tells "no such model" from "the artifact is
 * broken" by class; each carries the model, version or file it is about.
 */
import type { Problem } from './validate';

function listed(what: string, problems: readonly Problem[], source: string | undefined): string {
  const where = source === undefined ? '' : ` ${source}`;
  return `invalid ${what}${where}:\n${problems.map((p) => `  ${p.field}: ${p.reason}`).join('\n')}`;
}

/**
 * A manifest is missing, unreadable or invalid. Lists every problem at once;
 * `source` is the file it came from, when there is one.
 */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
  readonly source: string | undefined;
  constructor(
    readonly problems: readonly Problem[],
    options: { source?: string; cause?: unknown } = {},
  ) {
    super(listed('manifest', problems, options.source), { cause: options.cause });
    this.source = options.source;
  }
}

/** A reference profile is missing, unreadable, invalid, or does not fit its manifest. */
export class ProfileError extends Error {
  override readonly name = 'ProfileError';
  readonly source: string | undefined;
  constructor(
    readonly problems: readonly Problem[],
    options: { source?: string; cause?: unknown } = {},
  ) {
    super(listed('reference profile', problems, options.source), { cause: options.cause });
    this.source = options.source;
  }
}

/**
 * A model or version name that cannot be a path segment (e.g. `../x`). Thrown before
 * the store touches the file system, so a name from a request cannot leave the root.
 */
export class InvalidNameError extends Error {
  override readonly name = 'InvalidNameError';
  constructor(
    readonly kind: 'model' | 'version',
    readonly value: string,
  ) {
    super(
      `invalid ${kind} name ${JSON.stringify(value)}: use 1 to 64 of a-z 0-9 . _ -, ` +
        'starting with a letter or digit',
    );
  }
}

/** The store has no model by that name. */
export class ModelNotFoundError extends Error {
  override readonly name = 'ModelNotFoundError';
  constructor(readonly model: string) {
    super(`model "${model}" is not in the artifact store`);
  }
}

/** The model exists but has no such version. */
export class VersionNotFoundError extends Error {
  override readonly name = 'VersionNotFoundError';
  constructor(
    readonly model: string,
    readonly version: string,
  ) {
    super(`model "${model}" has no version "${version}" in the artifact store`);
  }
}

/** `putVersion` never replaces a version: a published version is immutable. */
export class VersionExistsError extends Error {
  override readonly name = 'VersionExistsError';
  constructor(
    readonly model: string,
    readonly version: string,
    options?: { cause?: unknown },
  ) {
    super(
      `model "${model}" version "${version}" already exists; publish a new version instead`,
      options,
    );
  }
}

/** The model bytes do not hash to the manifest's sha256: corrupt or tampered with. */
export class ChecksumMismatchError extends Error {
  override readonly name = 'ChecksumMismatchError';
  constructor(
    readonly model: string,
    readonly version: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      `model "${model}" version "${version}": the model file has sha256 ${actual}, ` +
        `the manifest says ${expected}`,
    );
  }
}

/** The model file of an existing version cannot be read. */
export class ModelFileError extends Error {
  override readonly name = 'ModelFileError';
  constructor(
    readonly model: string,
    readonly version: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    const reason = (options?.cause as { code?: string } | undefined)?.code ?? 'unreadable';
    super(`model "${model}" version "${version}": cannot read ${path} (${reason})`, options);
  }
}
