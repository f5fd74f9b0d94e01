/**
 * Client-side load balancing over the inference replicas: least outstanding
 * requests among the healthy ones (ties taken in turn), periodic readiness probes,
 * and retries on another replica where a retry is safe. Inference is a pure function
 * of the request, so sending a request twice cannot double an effect; a retry is
 * made when the first replica never ran it (UNAVAILABLE: refused, reset, gone) or
 * does not hold the version yet (NOT_FOUND while a deployment is still loading).
 */
import type {
  ModelInferRequest,
  ModelInferResponse,
  ModelMetadataRequest,
  ModelMetadataResponse,
} from '@ballast/contracts';
import type { Logger } from '@ballast/telemetry';
import { status } from '@grpc/grpc-js';
import { UpstreamError } from './errors';

/** The calls the pool makes on one replica (a @ballast/grpc client in production). */
export interface ReplicaClient {
  modelInfer(request: ModelInferRequest, options: { deadline?: Date }): Promise<ModelInferResponse>;
  modelMetadata(
    request: ModelMetadataRequest,
    options: { deadline?: Date },
  ): Promise<ModelMetadataResponse>;
  serverReady(request: object, options: { deadline: number }): Promise<{ ready: boolean }>;
  close(): void;
}

export type AttemptOutcome = 'ok' | 'retried' | 'failed';

export interface ReplicaPoolObserver {
  /** One call to one replica and what came of it. */
  attempted(replica: string, outcome: AttemptOutcome): void;
  healthChanged(replica: string, healthy: boolean): void;
}

export interface ReplicaPoolOptions {
  addresses: readonly string[];
  connect: (address: string) => ReplicaClient;
  /** Calls per request that may fail UNAVAILABLE, over all replicas (1: no retry). */
  maxAttempts: number;
  healthIntervalMs: number;
  /** Deadline of one readiness probe. */
  probeTimeoutMs?: number;
  /** How long NOT_FOUND is retried (a version still loading, or already gone); default 1 s. */
  notFoundRetryMs?: number;
  /** Wait between rounds of NOT_FOUND over every replica; default 50 ms. */
  notFoundBackoffMs?: number;
  logger: Logger;
  observer?: ReplicaPoolObserver;
}

class Replica {
  healthy = false;
  outstanding = 0;
  probing: Promise<void> | undefined;
  constructor(
    readonly address: string,
    readonly client: ReplicaClient,
  ) {}
}

function codeOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class ReplicaPool {
  private readonly replicas: Replica[];
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | undefined;
  /** Where the next tie-break starts, so equal replicas take turns. */
  private turn = 0;

  constructor(private readonly options: ReplicaPoolOptions) {
    if (options.addresses.length === 0) throw new Error('ReplicaPool needs at least one address');
    this.replicas = options.addresses.map((a) => new Replica(a, options.connect(a)));
    this.logger = options.logger.child({ component: 'replica-pool' });
    for (const r of this.replicas) options.observer?.healthChanged(r.address, false);
  }

  /** Probes every replica once, then keeps probing every `healthIntervalMs`. */
  async start(): Promise<void> {
    await Promise.all(this.replicas.map((r) => this.probe(r)));
    this.timer = setInterval(() => {
      for (const replica of this.replicas) void this.probe(replica);
    }, this.options.healthIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    for (const replica of this.replicas) replica.client.close();
  }

  /** Health of each replica by address. */
  health(): { address: string; healthy: boolean }[] {
    return this.replicas.map((r) => ({ address: r.address, healthy: r.healthy }));
  }

  /**
   * Makes `invoke` on a replica, retrying on another where safe, within `deadline`
   * (the caller's): UNAVAILABLE up to `maxAttempts` calls, NOT_FOUND for
   * `notFoundRetryMs` (a deployment change reaches the router and the replicas at
   * slightly different moments; `invoke` may re-resolve the version each time). Any
   * other error is thrown as an UpstreamError with the replica's code and message.
   */
  async call<T>(
    invoke: (client: ReplicaClient, deadline: Date | undefined) => Promise<T>,
    deadline?: Date,
  ): Promise<T> {
    const { maxAttempts, notFoundRetryMs = 1_000, notFoundBackoffMs = 50 } = this.options;
    const started = Date.now();
    const tried = new Set<Replica>();
    let unavailable = 0;
    for (;;) {
      // After every replica was tried, start over: a version may have loaded since.
      if (tried.size === this.replicas.length) tried.clear();
      const replica = this.pick(tried);
      tried.add(replica);
      replica.outstanding++;
      try {
        const response = await invoke(replica.client, deadline);
        this.options.observer?.attempted(replica.address, 'ok');
        return response;
      } catch (error) {
        const code = codeOf(error);
        if (code === status.UNAVAILABLE) {
          unavailable++;
          this.markUnhealthy(replica, error);
        }
        const retry =
          (code === status.UNAVAILABLE && unavailable < maxAttempts) ||
          (code === status.NOT_FOUND && Date.now() - started < notFoundRetryMs);
        this.options.observer?.attempted(replica.address, retry ? 'retried' : 'failed');
        if (!retry) throw toUpstream(error);
        if (deadline && deadline.getTime() <= Date.now())
          throw new UpstreamError(status.DEADLINE_EXCEEDED, 'deadline exceeded during retries', {
            cause: error,
          });
        if (code === status.NOT_FOUND && tried.size === this.replicas.length)
          await sleep(notFoundBackoffMs);
      } finally {
        replica.outstanding--;
      }
    }
  }

  /** Least outstanding among the untried healthy replicas, else among the untried. */
  private pick(tried: ReadonlySet<Replica>): Replica {
    const untried = this.replicas.filter((r) => !tried.has(r));
    const healthy = untried.filter((r) => r.healthy);
    const candidates = healthy.length > 0 ? healthy : untried;
    const start = this.turn++ % candidates.length;
    let best = candidates[start] as Replica;
    for (let i = 1; i < candidates.length; i++) {
      const candidate = candidates[(start + i) % candidates.length] as Replica;
      if (candidate.outstanding < best.outstanding) best = candidate;
    }
    return best;
  }

  private markUnhealthy(replica: Replica, error: unknown): void {
    if (replica.healthy) {
      this.setHealth(replica, false, { reason: (error as Error).message });
    }
    void this.probe(replica);
  }

  /** One readiness probe at a time per replica; it decides the replica's health. */
  private probe(replica: Replica): Promise<void> {
    replica.probing ??= replica.client
      .serverReady({}, { deadline: this.options.probeTimeoutMs ?? 1_000 })
      .then(
        ({ ready }) => this.setHealth(replica, ready, { reason: ready ? undefined : 'not ready' }),
        (error: unknown) => this.setHealth(replica, false, { reason: (error as Error).message }),
      )
      .finally(() => (replica.probing = undefined));
    return replica.probing;
  }

  private setHealth(replica: Replica, healthy: boolean, fields: { reason?: string }): void {
    if (replica.healthy === healthy) return;
    replica.healthy = healthy;
    this.options.observer?.healthChanged(replica.address, healthy);
    if (healthy) this.logger.info('replica healthy', { replica: replica.address });
    else this.logger.warn('replica unhealthy', { replica: replica.address, ...fields });
  }
}

/** A replica's error as the caller will see it: its code and message. */
function toUpstream(error: unknown): UpstreamError {
  if (error instanceof UpstreamError) return error;
  const code = codeOf(error) ?? status.UNKNOWN;
  const details = (error as { details?: unknown } | null)?.details;
  return new UpstreamError(
    code,
    typeof details === 'string' && details !== '' ? details : String((error as Error)?.message),
    { cause: error },
  );
}
