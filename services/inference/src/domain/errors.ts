/**
 * The inference service's domain errors. Each maps to one gRPC status in
 * transport/status.ts; nothing else decides what a caller sees.
 */

/** No loaded model (or version) by that name. Maps to NOT_FOUND. */
export class ModelNotLoadedError extends Error {
  override readonly name = 'ModelNotLoadedError';
  constructor(
    readonly model: string,
    readonly version: string | undefined,
  ) {
    super(
      version
        ? `model "${model}" version "${version}" is not loaded`
        : `model "${model}" is not loaded`,
    );
  }
}

/** A model's queue is full: the caller should back off. Maps to RESOURCE_EXHAUSTED. */
export class ModelOverloadedError extends Error {
  override readonly name = 'ModelOverloadedError';
  constructor(
    readonly model: string,
    readonly queued: number,
  ) {
    super(`model "${model}" is over its limit (${queued} requests already waiting); retry later`);
  }
}

/** A model version could not be loaded; what was serving keeps serving. Maps to FAILED_PRECONDITION. */
export class ModelLoadError extends Error {
  override readonly name = 'ModelLoadError';
  constructor(
    readonly model: string,
    readonly version: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot load model "${model}" version "${version}": ${reason}`, options);
  }
}

/** A request field is missing or malformed outside the tensors. Maps to INVALID_ARGUMENT. */
export class InvalidRequestError extends Error {
  override readonly name = 'InvalidRequestError';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}
