/**
 * Topic names, built and parsed in one place. A topic is `ballast.<kind>.v<version>`;
 * the platform's topics and their default partition counts are listed in topics.json,
 * which the local broker launcher (infra/kafka) reads too.
 */
import declared from './topics.json';

export type TopicKind = keyof typeof declared;

export interface TopicName {
  readonly kind: string;
  readonly version: number;
}

/** Thrown when a string is not a valid Ballast topic name. */
export class InvalidTopicNameError extends Error {
  override readonly name = 'InvalidTopicNameError';
  constructor(readonly topic: string) {
    super(`"${topic}" is not a Ballast topic name (expected ballast.<kind>.v<version>)`);
  }
}

const TOPIC_PATTERN = /^ballast\.([a-z][a-z0-9-]{0,62})\.v([1-9][0-9]{0,3})$/;

/** Builds `ballast.<kind>.v<version>`, validating both parts. */
export function topicName(kind: string, version: number): string {
  const name = `ballast.${kind}.v${version}`;
  parseTopicName(name);
  return name;
}

/** Splits a topic name into kind and version, or throws {@link InvalidTopicNameError}. */
export function parseTopicName(topic: string): TopicName {
  const match = TOPIC_PATTERN.exec(topic);
  if (!match) throw new InvalidTopicNameError(topic);
  return { kind: match[1] as string, version: Number(match[2]) };
}

function checked(): Readonly<Record<TopicKind, { name: string; partitions: number }>> {
  for (const [kind, topic] of Object.entries(declared)) {
    if (parseTopicName(topic.name).kind !== kind) {
      throw new Error(`topics.json: "${kind}" names topic "${topic.name}" of another kind`);
    }
  }
  return declared;
}

/** The platform's topics: `TOPICS.predictions.name === 'ballast.predictions.v1'`. */
export const TOPICS = checked();
