/**
 * Does onnxruntime-node's `session.run` block the event loop? It returns a promise,
 * but the binding runs the model synchronously inside a setImmediate callback. This
 * measures, for growing batch sizes, how long one run takes and the longest gap
 * between 1 ms timer ticks while it runs (a free loop keeps gaps near 1 ms).
 *
 *   node loadtest/dist/bench/event-loop.js [--model infra/demo-models/breast-cancer/2/model.onnx]
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { flagArg, parseArgs, stringArg } from '../index';

const args = parseArgs(process.argv.slice(2), {
  model: stringArg({ default: 'infra/demo-models/breast-cancer/2/model.onnx' }),
  json: flagArg(),
});

async function measure(session: ort.InferenceSession, rows: number, width: number) {
  const input = new ort.Tensor('float32', new Float32Array(rows * width).fill(0.5), [rows, width]);
  await session.run({ [session.inputNames[0]!]: input }); // warm-up
  const ticks: number[] = [];
  const timer = setInterval(() => ticks.push(performance.now()), 1);
  await new Promise((resolve) => setTimeout(resolve, 20));
  const start = performance.now();
  await session.run({ [session.inputNames[0]!]: input });
  const end = performance.now();
  await new Promise((resolve) => setTimeout(resolve, 20));
  clearInterval(timer);
  let maxGap = 0;
  for (let i = 1; i < ticks.length; i += 1) maxGap = Math.max(maxGap, ticks[i]! - ticks[i - 1]!);
  const during = ticks.filter((t) => t > start && t < end).length;
  return { rows, runMs: end - start, maxLoopGapMs: maxGap, timerTicksDuringRun: during };
}

async function main(): Promise<void> {
  const session = await ort.InferenceSession.create(readFileSync(args.model), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });
  const meta = session.inputMetadata[0];
  const shape = meta && 'shape' in meta ? meta.shape : [];
  const width = Number(shape[1] ?? 1);
  const results = [];
  for (const rows of [1, 1_000, 10_000, 100_000, 300_000])
    results.push(await measure(session, rows, width));
  process.stdout.write('rows     run ms  max loop gap ms  1 ms ticks during run\n');
  for (const r of results) {
    process.stdout.write(
      `${String(r.rows).padEnd(8)} ${r.runMs.toFixed(2).padStart(6)}  ${r.maxLoopGapMs.toFixed(2).padStart(15)}  ${String(r.timerTicksDuringRun).padStart(21)}\n`,
    );
  }
  if (args.json) process.stdout.write(`RESULT_JSON ${JSON.stringify(results)}\n`);
}

void main();
