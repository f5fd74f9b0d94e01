import 'reflect-metadata';
import { createLogger, shutdownTracing, type Logger } from '@ballast/telemetry';
import {
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

/** What a service process runs: started once, stopped once (drain, flush, release). */
export interface ManagedServer {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface RunServiceOptions<C extends { LOG_LEVEL: 'debug' | 'info' | 'warn' | 'error' }> {
  /** The service's name in logs and error messages. */
  name: string;
  /** Reads and validates the configuration (throws with every bad variable). */
  loadConfig: () => C;
  create: (config: C, logger: Logger) => ManagedServer;
}

const SERVER = Symbol('ManagedServer');

/** Nest owns the process lifecycle: start on bootstrap, stop on SIGTERM/SIGINT. */
class Lifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(SERVER) private readonly server: ManagedServer) {}

  onApplicationBootstrap(): Promise<void> {
    return this.server.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.server.stop();
  }
}

@Module({})
class ServiceModule {
  static forServer(server: ManagedServer): DynamicModule {
    return {
      module: ServiceModule,
      providers: [{ provide: SERVER, useValue: server }, Lifecycle],
    };
  }
}

/**
 * A service's `main`: config, logger, server, and a Nest application context whose
 * shutdown hooks stop the server on SIGTERM/SIGINT. A start-up failure (bad config,
 * unreachable dependency) prints the reason and exits 1.
 */
export function runService<C extends { LOG_LEVEL: 'debug' | 'info' | 'warn' | 'error' }>(
  options: RunServiceOptions<C>,
): void {
  const main = async () => {
    const config = options.loadConfig();
    const logger = createLogger({ service: options.name, level: config.LOG_LEVEL });
    const server = options.create(config, logger);
    const app = await NestFactory.createApplicationContext(ServiceModule.forServer(server), {
      logger: ['error', 'warn'],
    });
    app.enableShutdownHooks();
    process.once('exit', () => void shutdownTracing());
  };
  main().catch((error: unknown) => {
    process.stderr.write(
      `${options.name} failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  });
}
