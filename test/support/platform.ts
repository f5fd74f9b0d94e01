// The platform for an end-to-end test, every service a built process on the real
// stack: control plane (models registered and deployed by the test), an inference
// replica, the feature logger and the router, writing into a ClickHouse database of
// the run's own through a consumer group of its own that starts at the topics' ends
// (the topics are shared with other runs). Services the test adds with
// `startTracked` stop with the rest.
import { createClickHouse, ensureDatabase, ident, migrate, type Sql } from '@ballast/clickhouse';
import { GRPCInferenceService } from '@ballast/contracts';
import { createClient } from '@ballast/grpc';
import { TOPICS, createKafka } from '@ballast/kafka';
import { createLogger } from '@ballast/telemetry';
import {
  consumerGroupAtEnd,
  grpcAddress,
  stackFromEnv,
  startService,
  waitFor,
  type ServiceProcess,
} from '@ballast/testing';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Kafka } from 'kafkajs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export const stack = stackFromEnv();

/** What a test's own services need to reach the platform's store, database and broker. */
export interface PlatformEnv {
  readonly MODEL_STORE_DIR: string;
  readonly KAFKA_BROKERS: string;
  readonly CLICKHOUSE_URL: string;
  readonly CLICKHOUSE_DATABASE: string;
}

export interface Platform {
  readonly scratch: string;
  readonly clickhouse: ClickHouseClient;
  readonly kafka: Kafka;
  readonly env: PlatformEnv;
  readonly control: ServiceProcess;
  readonly replica: ServiceProcess;
  readonly router: ServiceProcess;
}

export interface PlatformOptions {
  /** Names the scratch folder, the database, the consumer group and the router's control group. */
  readonly name: string;
  readonly run: string;
  /** Registers and deploys through the control plane; returns the versions the replica must hold. */
  readonly deploy: (
    control: ServiceProcess,
    scratch: string,
  ) => Promise<readonly { model: string; version: string }[]>;
}

// One platform per test file (jest loads this module once per file).
const started: ServiceProcess[] = [];
let owned: { scratch: string; clickhouse: ClickHouseClient; database: string } | undefined;

/** Starts a service that {@link stopPlatform} stops. */
export async function startTracked(
  ...args: Parameters<typeof startService>
): Promise<ServiceProcess> {
  const service = await startService(...args);
  started.push(service);
  return service;
}

export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const scratch = mkdtempSync(path.join(tmpdir(), `ballast-${options.name}-`));
  const database = `ballast_${options.name}_${options.run}`.replace(/[^a-z0-9_]/g, '_');
  await ensureDatabase({ url: stack.CLICKHOUSE_URL, database });
  const clickhouse = createClickHouse({ url: stack.CLICKHOUSE_URL, database });
  await migrate(clickhouse);
  const kafka = createKafka({
    clientId: options.name,
    brokers: stack.KAFKA_BROKERS,
    logger: createLogger({ service: options.name, level: 'error' }),
  });
  const groupId = await consumerGroupAtEnd(
    kafka,
    [TOPICS.predictions.name, TOPICS.outcomes.name],
    options.name,
  );
  const env: PlatformEnv = {
    MODEL_STORE_DIR: path.join(scratch, 'store'),
    KAFKA_BROKERS: stack.KAFKA_BROKERS.join(','),
    CLICKHOUSE_URL: stack.CLICKHOUSE_URL,
    CLICKHOUSE_DATABASE: database,
  };
  owned = { scratch, clickhouse, database };

  const control = await startTracked('control-plane', {
    env: {
      MODEL_STORE_DIR: env.MODEL_STORE_DIR,
      CONTROL_DATA_DIR: path.join(scratch, 'control'),
      KAFKA_BROKERS: env.KAFKA_BROKERS,
    },
  });
  const versions = await options.deploy(control, scratch);
  const [replica] = await Promise.all([
    startTracked('inference', {
      env: {
        MODEL_STORE_DIR: env.MODEL_STORE_DIR,
        KAFKA_BROKERS: env.KAFKA_BROKERS,
        INFERENCE_EXECUTION: 'inline',
      },
    }),
    startTracked('feature-logger', {
      env: {
        CLICKHOUSE_URL: env.CLICKHOUSE_URL,
        CLICKHOUSE_DATABASE: env.CLICKHOUSE_DATABASE,
        KAFKA_BROKERS: env.KAFKA_BROKERS,
        FEATURE_LOGGER_GROUP_ID: groupId,
      },
    }),
  ]);
  // The replica follows the control topic: the versions load shortly after its start.
  const oip = createClient(GRPCInferenceService, grpcAddress(replica));
  try {
    for (const { model, version } of versions)
      await waitFor(`the replica to hold ${model}@${version}`, async () => {
        return (await oip.modelReady({ name: model, version })).ready;
      });
  } finally {
    oip.close();
  }
  const router = await startTracked('router', {
    env: {
      CONTROL_ADDRESS: grpcAddress(control),
      ROUTER_INFERENCE_ADDRESSES: grpcAddress(replica),
      MODEL_STORE_DIR: env.MODEL_STORE_DIR,
      ROUTER_SPOOL_DIR: path.join(scratch, 'spool'),
      ROUTER_CONTROL_GROUP_PREFIX: `${options.name}-${options.run}`,
      KAFKA_BROKERS: env.KAFKA_BROKERS,
    },
  });
  return { scratch, clickhouse, kafka, env, control, replica, router };
}

/** Stops every service, drops the run's database and removes its scratch folder. */
export async function stopPlatform(): Promise<void> {
  await Promise.all(started.map((s) => s.stop()));
  if (!owned) return;
  const { clickhouse, database, scratch } = owned;
  await clickhouse.command({ query: `DROP DATABASE IF EXISTS ${ident(database).text}` });
  await clickhouse.close();
  rmSync(scratch, { recursive: true, force: true });
}

/** The `n` of a `SELECT count() AS n ...` query. */
export async function count(clickhouse: ClickHouseClient, query: Sql): Promise<number> {
  const result = await clickhouse.query({ query: query.text, format: 'JSONEachRow' });
  const [row] = await result.json<{ n: string }>();
  return Number(row?.n ?? 0);
}
