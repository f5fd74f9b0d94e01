/**
 * @ballast/testing: helpers for integration and end-to-end tests against the real
 * local stack (never mocks): its endpoints, the mock Kafka cluster's fault channel,
 * services run as real processes, and polling.
 *
 * @example
 * const stack = stackFromEnv();
 * const control = new MockKafkaControl(stack.KAFKA_MOCK_CONTROL);
 * await control.brokerDown(1);
 */
export { MockKafkaControl } from './mock-kafka-control';
export { stackFromEnv } from './stack';
export { waitFor } from './wait';
export { seededRandom } from './random';
export type { LogLine, ServiceProcessOptions } from './service-process';
export { ServiceProcess } from './service-process';
export type { ServiceName, StartServiceOptions } from './services';
export { grpcAddress, startService } from './services';
export type { CollectedMessages } from './collect-messages';
export { collectMessages } from './collect-messages';
export { consumerGroupAtEnd } from './consumer-group';
export type { DemoModelCopy } from './demo-models';
export { copyDemoModel } from './demo-models';
