import { InvalidTopicNameError, TOPICS, parseTopicName, topicName } from './topics';

describe('topic names', () => {
  it('lists the platform topics, each named for its kind', () => {
    expect(Object.fromEntries(Object.entries(TOPICS).map(([kind, t]) => [kind, t.name]))).toEqual({
      predictions: 'ballast.predictions.v1',
      outcomes: 'ballast.outcomes.v1',
      control: 'ballast.control.v1',
      alerts: 'ballast.alerts.v1',
      dlq: 'ballast.dlq.v1',
    });
    // Control events must stay in order: one partition.
    expect(TOPICS.control.partitions).toBe(1);
  });

  it('builds and parses ballast.<kind>.v<version>', () => {
    expect(topicName('predictions', 2)).toBe('ballast.predictions.v2');
    expect(parseTopicName('ballast.feature-store.v12')).toEqual({
      kind: 'feature-store',
      version: 12,
    });
  });

  it.each([
    'ballast.predictions',
    'ballast.Predictions.v1',
    'other.predictions.v1',
    'ballast.predictions.v0',
    'ballast..v1',
  ])('rejects %p', (name) => {
    expect(() => parseTopicName(name)).toThrow(InvalidTopicNameError);
  });

  it('validates the parts it builds from', () => {
    expect(() => topicName('bad kind', 1)).toThrow(InvalidTopicNameError);
    expect(() => topicName('predictions', 0)).toThrow(InvalidTopicNameError);
  });
});
