import { modelSignatureMismatch } from './signature';

const manifest = {
  inputs: [{ name: 'input', datatype: 'FP32' as const, shape: [-1, 2] }],
  outputs: [
    { name: 'probabilities', datatype: 'FP32' as const, shape: [-1, 2] },
    { name: 'label', datatype: 'INT64' as const, shape: [-1] },
  ],
};

describe('modelSignatureMismatch', () => {
  it('accepts the same names in any order', () => {
    expect(
      modelSignatureMismatch(manifest, {
        inputNames: ['input'],
        outputNames: ['label', 'probabilities'],
      }),
    ).toBeUndefined();
  });

  it('names both sides when an output differs', () => {
    expect(
      modelSignatureMismatch(manifest, { inputNames: ['input'], outputNames: ['label', 'scores'] }),
    ).toBe(
      'the manifest declares inputs [input] and outputs [label, probabilities], ' +
        'the model has [input] and [label, scores]',
    );
  });

  it('refuses a missing input', () => {
    expect(
      modelSignatureMismatch(manifest, { inputNames: [], outputNames: ['label', 'probabilities'] }),
    ).toContain('the model has [] and [label, probabilities]');
  });
});
