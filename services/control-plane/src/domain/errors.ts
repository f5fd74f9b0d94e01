/**
 * The control plane's domain errors. Each maps to one gRPC status in
 * transport/status.ts; nothing else decides what a caller sees. Every one is thrown
 * before anything changes, so a refused request leaves the state as it was.
 */

/** A request field is missing or wrong. Maps to INVALID_ARGUMENT. */
export class InvalidArgumentError extends Error {
  override readonly name = 'InvalidArgumentError';
  constructor(
    readonly field: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${field}: ${reason}`, options);
  }
}

/** A model, or a version of it, that was never registered. Maps to NOT_FOUND. */
export class NotRegisteredError extends Error {
  override readonly name = 'NotRegisteredError';
  constructor(
    readonly model: string,
    readonly version?: string,
    readonly field?: string,
  ) {
    const what =
      version === undefined
        ? `model "${model}" is not registered`
        : `model "${model}" has no registered version "${version}"`;
    super(field === undefined ? what : `${field}: ${what}`);
  }
}

/** A compare-and-swap lost: the model moved on. Maps to FAILED_PRECONDITION. */
export class GenerationConflictError extends Error {
  override readonly name = 'GenerationConflictError';
  constructor(
    readonly model: string,
    readonly current: bigint,
    readonly expected: bigint,
  ) {
    super(`model "${model}" is at generation ${current}, expected ${expected}`);
  }
}

/**
 * The request is well formed but the model's state does not allow it (no deployment
 * to promote or roll back, not an experiment...). Maps to FAILED_PRECONDITION.
 */
export class NotApplicableError extends Error {
  override readonly name = 'NotApplicableError';
  constructor(
    readonly model: string,
    reason: string,
  ) {
    super(`model "${model}": ${reason}`);
  }
}

/** A registered version with other content under the same name. Maps to ALREADY_EXISTS. */
export class VersionConflictError extends Error {
  override readonly name = 'VersionConflictError';
  constructor(
    readonly model: string,
    readonly version: string,
    where: string,
  ) {
    super(
      `model "${model}" version "${version}" is already ${where} with different content; ` +
        'register a new version instead',
    );
  }
}

/** The state file could not be read or written; nothing was changed. Maps to INTERNAL. */
export class StateFileError extends Error {
  override readonly name = 'StateFileError';
  constructor(
    readonly path: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`control-plane state ${path}: ${reason}`, options);
  }
}
