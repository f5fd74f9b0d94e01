import type { Tensor } from '@ballast/tensors';
import { DynamicBatcher, concatRows, splitRows } from './batcher';

function rows(name: string, values: number[][]): Tensor {
  return {
    name,
    datatype: 'FP32',
    shape: [values.length, values[0]?.length ?? 0],
    data: Float32Array.from(values.flat()),
  };
}

/** A fake model: output row = input row summed, and it records each batch it ran. */
function fakeModel() {
  const batches: number[] = [];
  let release: (() => void) | undefined;
  let hold = false;
  const run = async (inputs: Tensor[]): Promise<Tensor[]> => {
    const input = inputs[0]!;
    batches.push(input.shape[0]!);
    if (hold) await new Promise<void>((r) => (release = r));
    const width = input.shape[1]!;
    const sums = Array.from({ length: input.shape[0]! }, (_, r) =>
      Array.from((input.data as Float32Array).slice(r * width, (r + 1) * width)).reduce(
        (a, b) => a + b,
        0,
      ),
    );
    return [
      { name: 'sum', datatype: 'FP32', shape: [sums.length, 1], data: Float32Array.from(sums) },
    ];
  };
  return {
    run,
    batches,
    holdNext: () => (hold = true),
    release: () => {
      hold = false;
      release?.();
    },
  };
}

it('runs a lone request at once, without waiting for company', async () => {
  const model = fakeModel();
  const batcher = new DynamicBatcher(model.run, {
    maxBatchSize: 8,
    maxQueueDelayMs: 10_000,
    maxInFlight: 1,
  });
  const [out] = await batcher.submit([rows('x', [[1, 2]])]);
  expect(Array.from(out?.data as Float32Array)).toEqual([3]);
  expect(model.batches).toEqual([1]);
});

it('gathers requests that arrive while the model is busy and splits the outputs back by rows', async () => {
  const model = fakeModel();
  const batcher = new DynamicBatcher(model.run, {
    maxBatchSize: 8,
    maxQueueDelayMs: 10_000,
    maxInFlight: 1,
  });
  model.holdNext();
  const first = batcher.submit([rows('x', [[1, 1]])]);
  const waiting = [
    batcher.submit([
      rows('x', [
        [1, 2],
        [3, 4],
      ]),
    ]),
    batcher.submit([rows('x', [[10, 10]])]),
  ];
  model.release();
  await first;
  const [a, b] = await Promise.all(waiting);
  expect(model.batches).toEqual([1, 3]);
  expect(a?.[0]?.shape).toEqual([2, 1]);
  expect(Array.from(a?.[0]?.data as Float32Array)).toEqual([3, 7]);
  expect(Array.from(b?.[0]?.data as Float32Array)).toEqual([20]);
});

it('never puts more than maxBatchSize rows in one execution', async () => {
  const model = fakeModel();
  const batcher = new DynamicBatcher(model.run, {
    maxBatchSize: 3,
    maxQueueDelayMs: 10_000,
    maxInFlight: 1,
  });
  model.holdNext();
  const first = batcher.submit([rows('x', [[0, 0]])]);
  const rest = Array.from({ length: 5 }, (_, i) => batcher.submit([rows('x', [[i, 0]])]));
  model.release();
  await Promise.all([first, ...rest]);
  expect(model.batches).toEqual([1, 3, 2]);
});

it('fails every request of a batch whose execution fails', async () => {
  const batcher = new DynamicBatcher(async () => Promise.reject(new Error('session died')), {
    maxBatchSize: 4,
    maxQueueDelayMs: 1,
    maxInFlight: 1,
  });
  await expect(batcher.submit([rows('x', [[1, 2]])])).rejects.toThrow('session died');
});

it('concatenates and splits typed and BYTES tensors by rows', () => {
  const bytes = (s: string) => new TextEncoder().encode(s);
  const joined = concatRows([
    [rows('x', [[1, 2]]), { name: 'w', datatype: 'BYTES', shape: [1], data: [bytes('a')] }],
    [
      rows('x', [
        [3, 4],
        [5, 6],
      ]),
      { name: 'w', datatype: 'BYTES', shape: [2], data: [bytes('b'), bytes('c')] },
    ],
  ]);
  expect(joined[0]?.shape).toEqual([3, 2]);
  expect(Array.from(joined[0]?.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(joined[1]?.shape).toEqual([3]);
  const [first, second] = splitRows(joined, [1, 2]);
  expect(Array.from(second?.[0]?.data as Float32Array)).toEqual([3, 4, 5, 6]);
  expect((first?.[1]?.data as Uint8Array[]).map((b) => new TextDecoder().decode(b))).toEqual(['a']);
});
