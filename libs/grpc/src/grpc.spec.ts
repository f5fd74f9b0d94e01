import { GRPCInferenceService } from '@ballast/contracts';
import { createLogger, shutdownTracing, startTracing } from '@ballast/telemetry';
import { Server, ServerCredentials, status } from '@grpc/grpc-js';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { createClient, type PromiseClient } from './client';
import { addService, type UnaryImplementation } from './service';

class NoSuchModel extends Error {}

const exporter = new InMemorySpanExporter();
const logged: string[] = [];
let server: Server;
let client: PromiseClient<(typeof GRPCInferenceService)['method']>;
let seenTraceId: string | undefined;
let seenDeadline: Date | undefined;
let sawAbort: Promise<boolean> | undefined;

const unimplemented = async () => {
  throw new Error('boom: not part of this test');
};

const handlers: UnaryImplementation<(typeof GRPCInferenceService)['method']> = {
  serverLive: async (_request, call) => {
    seenTraceId = trace.getActiveSpan()?.spanContext().traceId;
    seenDeadline = call.deadline;
    return { live: true };
  },
  serverReady: async (_request, call) => {
    // Waits until the caller gives up, and reports whether the signal said so.
    sawAbort = new Promise((resolve) => call.signal.addEventListener('abort', () => resolve(true)));
    await sawAbort;
    return { ready: true };
  },
  modelReady: async (request) => {
    throw new NoSuchModel(`model ${request.name} is not loaded`);
  },
  serverMetadata: unimplemented,
  modelMetadata: unimplemented,
  modelInfer: async (request) => ({ modelName: request.modelName, id: request.id, outputs: [] }),
  repositoryIndex: unimplemented,
  repositoryModelLoad: unimplemented,
  repositoryModelUnload: unimplemented,
};

beforeAll(async () => {
  startTracing({ serviceName: 'grpc-test', exporter, synchronous: true });
  server = new Server();
  addService(server, GRPCInferenceService, handlers, {
    logger: createLogger({ service: 'grpc-test', write: (line) => logged.push(line) }),
    mapError: (error) =>
      error instanceof NoSuchModel ? { code: status.NOT_FOUND, message: error.message } : undefined,
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  client = createClient(GRPCInferenceService, `127.0.0.1:${port}`);
});

afterAll(async () => {
  client.close();
  await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  await shutdownTracing();
});

it('serves and calls a unary method with the standard path and messages', async () => {
  const response = await client.modelInfer({ modelName: 'm', id: 'req-1' });
  expect(response.modelName).toBe('m');
  expect(response.id).toBe('req-1');
});

it("continues the caller's trace on the server and passes the deadline", async () => {
  const deadline = new Date(Date.now() + 5_000);
  const traceId = await trace.getTracer('test').startActiveSpan('caller', async (span) => {
    await client.serverLive({}, { deadline });
    span.end();
    return span.spanContext().traceId;
  });
  expect(seenTraceId).toBe(traceId);
  expect(Math.abs((seenDeadline?.getTime() ?? 0) - deadline.getTime())).toBeLessThan(1_000);
  const names = exporter
    .getFinishedSpans()
    .filter((s) => s.spanContext().traceId === traceId)
    .map((s) => s.name);
  expect(names).toEqual(
    expect.arrayContaining(['inference.GRPCInferenceService/ServerLive', 'caller']),
  );
});

it("aborts the handler's signal when the caller's deadline passes", async () => {
  await expect(client.serverReady({}, { deadline: 200 })).rejects.toMatchObject({
    code: status.DEADLINE_EXCEEDED,
  });
  await expect(sawAbort).resolves.toBe(true);
});

it('maps a domain error to its status and message', async () => {
  await expect(client.modelReady({ name: 'ghost' })).rejects.toMatchObject({
    code: status.NOT_FOUND,
    details: 'model ghost is not loaded',
  });
});

it('reports an unexpected error as INTERNAL without its details, and logs it', async () => {
  await expect(client.serverMetadata({})).rejects.toMatchObject({
    code: status.INTERNAL,
    details: 'internal error',
  });
  expect(logged.some((line) => line.includes('boom: not part of this test'))).toBe(true);
});
