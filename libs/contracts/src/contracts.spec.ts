import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { GRPCInferenceService, PredictionEventSchema, Role } from './index';

describe('Open Inference Protocol service', () => {
  it('keeps the standard gRPC paths that KServe and Triton clients call', () => {
    const paths = GRPCInferenceService.methods.map(
      (m) => `/${GRPCInferenceService.typeName}/${m.name}`,
    );
    expect(paths).toEqual([
      '/inference.GRPCInferenceService/ServerLive',
      '/inference.GRPCInferenceService/ServerReady',
      '/inference.GRPCInferenceService/ModelReady',
      '/inference.GRPCInferenceService/ServerMetadata',
      '/inference.GRPCInferenceService/ModelMetadata',
      '/inference.GRPCInferenceService/ModelInfer',
      '/inference.GRPCInferenceService/RepositoryIndex',
      '/inference.GRPCInferenceService/RepositoryModelLoad',
      '/inference.GRPCInferenceService/RepositoryModelUnload',
    ]);
  });

  it('keeps the standard field numbers of ModelInferRequest', () => {
    const request = GRPCInferenceService.method.modelInfer.input;
    const numbers = Object.fromEntries(request.fields.map((f) => [f.name, f.number]));
    expect(numbers).toEqual({
      model_name: 1,
      model_version: 2,
      id: 3,
      parameters: 4,
      inputs: 5,
      outputs: 6,
      raw_input_contents: 7,
    });
  });
});

describe('PredictionEvent', () => {
  it('round-trips through the wire format', () => {
    const event = create(PredictionEventSchema, {
      eventId: 'evt-1',
      eventTime: timestampFromMs(1_700_000_000_123),
      model: { name: 'breast-cancer', version: '2', deployment: 'breast-cancer@3' },
      role: Role.SHADOW,
      numericFeatures: [{ name: 'mean_radius', value: Number.NaN }],
      outputs: [{ name: 'probabilities', values: [0.1, 0.9] }],
    });
    const decoded = fromBinary(PredictionEventSchema, toBinary(PredictionEventSchema, event));
    expect(decoded.eventId).toBe('evt-1');
    expect(Number(decoded.eventTime?.seconds)).toBe(1_700_000_000);
    expect(decoded.eventTime?.nanos).toBe(123_000_000);
    expect(decoded.model?.deployment).toBe('breast-cancer@3');
    expect(decoded.role).toBe(Role.SHADOW);
    expect(decoded.numericFeatures[0]?.value).toBeNaN();
    expect(decoded.outputs[0]?.values).toEqual([0.1, 0.9]);
  });
});
