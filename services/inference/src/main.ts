/**
 * Inference service entry point:
 *   node --require @ballast/telemetry/preload services/inference/dist/main.js
 */
import 'reflect-metadata';
import { createLogger, shutdownTracing } from '@ballast/telemetry';
import { NestFactory } from '@nestjs/core';
import { loadInferenceConfig } from './config';
import { InferenceModule } from './inference.module';
import { InferenceServer } from './inference-server';

async function main(): Promise<void> {
  const config = loadInferenceConfig();
  const logger = createLogger({ service: 'inference', level: config.LOG_LEVEL });
  const server = new InferenceServer(config, logger);
  const app = await NestFactory.createApplicationContext(InferenceModule.forServer(server), {
    logger: ['error', 'warn'],
  });
  app.enableShutdownHooks();
  process.once('exit', () => void shutdownTracing());
}

main().catch((error: unknown) => {
  process.stderr.write(
    `inference failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
