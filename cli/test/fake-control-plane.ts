/**
 * An in-process ControlService on an ephemeral loopback port for the CLI's unit tests:
 * it records every request and answers with what the test set, so a test sees exactly
 * what a command sent. The real control plane is exercised by cli.int.spec.ts.
 */
import { ControlService } from '@ballast/contracts';
import { addService, type UnaryImplementation } from '@ballast/grpc';
import { createLogger } from '@ballast/telemetry';
import { Server, ServerCredentials, status } from '@grpc/grpc-js';

type Handlers = UnaryImplementation<(typeof ControlService)['method']>;
export type Method = keyof Handlers;

/** Thrown by a test's handler to answer with a status. */
export class FakeStatus extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
  }
}

export class FakeControlPlane {
  readonly calls: { method: Method; request: unknown }[] = [];
  private handlers: Partial<Handlers> = {};

  private readonly server = new Server();
  private port = 0;

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  static async start(): Promise<FakeControlPlane> {
    const fake = new FakeControlPlane();
    const handlers = Object.fromEntries(
      ControlService.methods.map((method) => [
        method.localName,
        async (request: unknown, call: unknown) => {
          const name = method.localName as Method;
          fake.calls.push({ method: name, request });
          const handler = fake.handlers[name] as
            ((request: unknown, call: unknown) => Promise<unknown>) | undefined;
          if (!handler) throw new FakeStatus(status.UNIMPLEMENTED, `${name} is not set up`);
          return handler(request, call);
        },
      ]),
    ) as unknown as Handlers;
    addService(fake.server, ControlService, handlers, {
      logger: createLogger({ service: 'fake-control-plane', write: () => undefined }),
      mapError: (error) =>
        error instanceof FakeStatus ? { code: error.code, message: error.message } : undefined,
    });
    fake.port = await new Promise<number>((resolve, reject) =>
      fake.server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) =>
        e ? reject(e) : resolve(p),
      ),
    );
    return fake;
  }

  /** Answers `method` with `handler` from now on. */
  on<M extends Method>(method: M, handler: Handlers[M]): this {
    this.handlers[method] = handler;
    return this;
  }

  /** Forgets the calls and the handlers, between tests. */
  reset(): void {
    this.calls.length = 0;
    this.handlers = {};
  }

  /** The requests `method` received, in order. */
  requests(method: Method): unknown[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.request);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.tryShutdown(() => resolve()));
  }
}
