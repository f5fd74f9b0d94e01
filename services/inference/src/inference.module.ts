import {
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InferenceServer } from './inference-server';

/** Nest owns the process lifecycle: start on bootstrap, drain and stop on shutdown signals. */
class InferenceLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(InferenceServer) private readonly server: InferenceServer) {}

  onApplicationBootstrap(): Promise<void> {
    return this.server.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.server.stop();
  }
}

@Module({})
export class InferenceModule {
  static forServer(server: InferenceServer): DynamicModule {
    return {
      module: InferenceModule,
      providers: [{ provide: InferenceServer, useValue: server }, InferenceLifecycle],
    };
  }
}
