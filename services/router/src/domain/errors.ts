/**
 * The router's domain errors. Each maps to one gRPC status in transport/status.ts;
 * nothing else decides what a caller sees.
 */
import type { status } from '@grpc/grpc-js';

/** No active deployment for the model a request names. Maps to NOT_FOUND. */
export class ModelNotDeployedError extends Error {
  override readonly name = 'ModelNotDeployedError';
  constructor(readonly model: string) {
    super(model === '' ? 'model_name is empty' : `model "${model}" has no active deployment`);
  }
}

/** A request field the router reads is malformed. Maps to INVALID_ARGUMENT. */
export class InvalidRequestError extends Error {
  override readonly name = 'InvalidRequestError';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/** A deployment the router cannot route by; `field` is its path in the Deployment message. */
export class InvalidDeploymentError extends Error {
  override readonly name = 'InvalidDeploymentError';
  constructor(
    readonly model: string,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`deployment of model "${model}": ${field} ${reason}`);
  }
}

/**
 * An inference replica answered with an error status (or none answered in time):
 * passed to the caller with its code and message.
 */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  constructor(
    readonly code: status,
    readonly details: string,
    options?: { cause?: unknown },
  ) {
    super(details, options);
  }
}

/** A call the router does not offer (the repository calls belong to the replicas). Maps to UNIMPLEMENTED. */
export class UnsupportedCallError extends Error {
  override readonly name = 'UnsupportedCallError';
  constructor(readonly method: string) {
    super(`${method} is not offered by the router; call the inference replicas directly`);
  }
}
