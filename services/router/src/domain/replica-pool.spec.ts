import { ModelInferRequestSchema, ModelInferResponseSchema } from '@ballast/contracts';
import { createLogger } from '@ballast/telemetry';
import { create } from '@bufbuild/protobuf';
import { status } from '@grpc/grpc-js';
import { UpstreamError } from './errors';
import { ReplicaPool, type ReplicaClient } from './replica-pool';

const logger = createLogger({ service: 'test', level: 'error' });
const request = create(ModelInferRequestSchema, { modelName: 'iris', modelVersion: '1' });

/** A replica whose answers the test scripts: each call takes the next behaviour, the last one repeats. */
class FakeReplica implements ReplicaClient {
  calls = 0;
  ready = true;
  deadlines: (Date | undefined)[] = [];
  constructor(
    readonly name: string,
    private readonly behaviours: ('ok' | number | 'hang')[] = ['ok'],
  ) {}
  async modelInfer(_: unknown, { deadline }: { deadline?: Date }) {
    const behaviour = this.behaviours[Math.min(this.calls, this.behaviours.length - 1)];
    this.calls++;
    this.deadlines.push(deadline);
    if (behaviour === 'hang') return new Promise<never>(() => undefined);
    if (typeof behaviour === 'number')
      throw Object.assign(new Error(`${behaviour} ${this.name}`), {
        code: behaviour,
        details: `from ${this.name}`,
      });
    return create(ModelInferResponseSchema, { modelName: this.name });
  }
  async modelMetadata(): Promise<never> {
    throw new Error('unused');
  }
  async serverReady() {
    if (!this.ready) throw Object.assign(new Error('down'), { code: status.UNAVAILABLE });
    return { ready: true };
  }
  close() {}
}

async function poolOf(replicas: FakeReplica[], maxAttempts = 3) {
  const health: string[] = [];
  const pool = new ReplicaPool({
    addresses: replicas.map((r) => r.name),
    connect: (address) => replicas.find((r) => r.name === address)!,
    maxAttempts,
    healthIntervalMs: 60_000,
    notFoundBackoffMs: 1,
    notFoundRetryMs: 30,
    logger,
    observer: {
      attempted: () => undefined,
      healthChanged: (replica, healthy) => health.push(`${replica}:${healthy}`),
    },
  });
  await pool.start();
  return { pool, health };
}

const infer = (pool: ReplicaPool, deadline?: Date) =>
  pool.call((client, remaining) => client.modelInfer(request, { deadline: remaining }), deadline);

describe('ReplicaPool', () => {
  it('spreads sequential calls over the replicas in turn', async () => {
    const replicas = [new FakeReplica('a'), new FakeReplica('b')];
    const { pool } = await poolOf(replicas);
    for (let i = 0; i < 10; i++) await infer(pool);
    expect(replicas.map((r) => r.calls)).toEqual([5, 5]);
    pool.stop();
  });

  it('sends to the replica with the fewest outstanding calls', async () => {
    const a = new FakeReplica('a', ['hang', 'ok']);
    const b = new FakeReplica('b');
    const { pool } = await poolOf([a, b]);
    void infer(pool); // the first turn is a's: it stays outstanding
    for (let i = 0; i < 6; i++) await infer(pool);
    expect(a.calls).toBe(1);
    expect(b.calls).toBe(6);
    pool.stop();
  });

  it('retries UNAVAILABLE on another replica and marks the failed one unhealthy at once', async () => {
    const a = new FakeReplica('a', [status.UNAVAILABLE]);
    const b = new FakeReplica('b');
    const { pool, health } = await poolOf([a, b]);
    a.ready = false; // the re-probe finds it still down
    const answers = await Promise.all([infer(pool), infer(pool)]);
    expect(answers.map((r) => r.modelName)).toEqual(['b', 'b']);
    expect(pool.health()).toEqual([
      { address: 'a', healthy: false },
      { address: 'b', healthy: true },
    ]);
    expect(health).toContain('a:false');
    // While unhealthy, a gets nothing.
    const before = a.calls;
    for (let i = 0; i < 4; i++) await infer(pool);
    expect(a.calls).toBe(before);
    pool.stop();
  });

  it('lets a replica rejoin once its probe answers again', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    try {
      const a = new FakeReplica('a');
      const b = new FakeReplica('b');
      a.ready = false;
      const pool = new ReplicaPool({
        addresses: ['a', 'b'],
        connect: (address) => (address === 'a' ? a : b),
        maxAttempts: 2,
        healthIntervalMs: 1_000,
        logger,
      });
      await pool.start();
      expect(pool.health()[0]?.healthy).toBe(false);
      a.ready = true;
      await jest.advanceTimersByTimeAsync(1_000);
      expect(pool.health()[0]?.healthy).toBe(true);
      pool.stop();
    } finally {
      jest.useRealTimers();
    }
  });

  it('retries NOT_FOUND (a version still loading) for a while, then returns it', async () => {
    const a = new FakeReplica('a', [status.NOT_FOUND, 'ok']);
    const b = new FakeReplica('b', [status.NOT_FOUND]);
    const { pool } = await poolOf([a, b]);
    await expect(infer(pool)).resolves.toBeDefined();
    expect(a.calls + b.calls).toBe(3);

    const c = new FakeReplica('c', [status.NOT_FOUND]);
    const { pool: missing } = await poolOf([c], 2);
    await expect(infer(missing)).rejects.toMatchObject({
      code: status.NOT_FOUND,
      details: 'from c',
    });
    expect(c.calls).toBeGreaterThan(2);
    pool.stop();
    missing.stop();
  });

  it('passes any other error through with its code and message, without retrying', async () => {
    const a = new FakeReplica('a', [status.INVALID_ARGUMENT]);
    const b = new FakeReplica('b', [status.INVALID_ARGUMENT]);
    const { pool } = await poolOf([a, b]);
    const error = await infer(pool).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ code: status.INVALID_ARGUMENT });
    expect((error as UpstreamError).details).toMatch(/^from [ab]$/);
    expect(a.calls + b.calls).toBe(1);
    pool.stop();
  });

  it('stops UNAVAILABLE retries at maxAttempts and passes the caller deadline on', async () => {
    const replicas = [
      new FakeReplica('a', [status.UNAVAILABLE]),
      new FakeReplica('b', [status.UNAVAILABLE]),
    ];
    const { pool } = await poolOf(replicas, 2);
    const deadline = new Date(Date.now() + 5_000);
    await expect(infer(pool, deadline)).rejects.toMatchObject({ code: status.UNAVAILABLE });
    expect(replicas.map((r) => r.calls)).toEqual([1, 1]);
    expect(replicas.flatMap((r) => r.deadlines)).toEqual([deadline, deadline]);
    pool.stop();
  });
});
