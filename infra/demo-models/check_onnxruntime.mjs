// Cross-checks the demo models with onnxruntime-node, the runtime that serves them: for
// every <model>/<version>/ with an expected.json (written by make_models.py), checks the
// model file against the manifest's sha256, the session's input and output names against
// the manifest, then runs the expected rows as one batch and one row at a time (the batch
// dimension is dynamic) and compares the outputs, within expected.json's tolerance, with
// the graph's float32 outputs and with sklearn's (labels exactly).
//
//   node infra/demo-models/check_onnxruntime.mjs [root]   (root: this folder by default)
//
// onnxruntime-node comes from the repository's node_modules (a root dependency).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(process.argv[2] ?? HERE);
const ort = createRequire(path.join(HERE, '../../package.json'))('onnxruntime-node');

const folders = (dir) =>
  readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();

let passed = 0;
let failed = 0;
const check = (label, ok, detail = '') => {
  if (ok) passed += 1;
  else failed += 1;
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${label}${detail ? `: ${detail}` : ''}\n`);
};

function tensorFor(spec, rows) {
  const data = spec.data.slice(rows[0], rows[rows.length - 1] + 1).flat();
  return new ort.Tensor('float32', Float32Array.from(data), [rows.length, spec.shape[1]]);
}

/** Largest |got - want| beyond the tolerance, as [worst excess, worst |diff|]. */
function compare(got, want, tolerance) {
  let excess = -Infinity;
  let worst = 0;
  want.forEach((w, i) => {
    const diff = Math.abs(Number(got[i]) - w);
    worst = Math.max(worst, diff);
    excess = Math.max(excess, diff - (tolerance.absolute + tolerance.relative * Math.abs(w)));
  });
  return [excess, worst];
}

async function checkVersion(model, version) {
  const dir = path.join(ROOT, model, version);
  const id = `${model}/${version}`;
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  const expected = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8'));
  const bytes = readFileSync(path.join(dir, manifest.file));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  check(`${id} sha256`, sha256 === manifest.sha256, sha256);

  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
  });
  const names = (list) => list.map((t) => t.name).join(',');
  check(
    `${id} input names`,
    session.inputNames.join(',') === names(manifest.inputs),
    session.inputNames.join(','),
  );
  check(
    `${id} output names`,
    session.outputNames.join(',') === names(manifest.outputs),
    session.outputNames.join(','),
  );

  const input = expected.inputs.input;
  const n = input.shape[0];
  const batches = [[...Array(n).keys()], ...[...Array(n).keys()].map((i) => [i])];
  for (const rows of batches) {
    const results = await session.run({ input: tensorFor(input, rows) });
    const label = `${id} rows ${rows.length === n ? `0-${n - 1} as one batch` : rows[0]}`;
    for (const spec of manifest.outputs) {
      const out = results[spec.name];
      const shape = expected.outputs[spec.name].shape;
      const wantShape = [rows.length, ...shape.slice(1)];
      const type = spec.datatype === 'INT64' ? 'int64' : 'float32';
      const shapeOk = out.dims.join(',') === wantShape.join(',') && out.type === type;
      check(`${label} ${spec.name} dims`, shapeOk, `${out.dims} ${out.type}`);
      const references = [
        ['graph', expected.outputs[spec.name].data],
        ['sklearn', expected.sklearn?.[spec.name]],
      ];
      for (const [source, data] of references) {
        if (data === undefined) continue;
        const rowSize = shape.slice(1).reduce((a, b) => a * b, 1);
        const want = data.flat().slice(rows[0] * rowSize, (rows.at(-1) + 1) * rowSize);
        const name = `${label} ${spec.name} vs ${source}`;
        if (spec.datatype === 'INT64') {
          const got = Array.from(out.data, Number);
          const same = got.length === want.length && got.every((v, i) => v === want[i]);
          check(name, same, same ? '' : `got ${got} want ${want}`);
        } else {
          const [excess, worst] = compare(out.data, want, expected.tolerance);
          check(name, excess <= 0, `max |diff| ${worst.toExponential(2)}`);
        }
      }
    }
  }
  await session.release();
}

for (const model of folders(ROOT)) {
  for (const version of folders(path.join(ROOT, model))) {
    if (!existsSync(path.join(ROOT, model, version, 'expected.json'))) continue;
    try {
      await checkVersion(model, version);
    } catch (error) {
      check(`${model}/${version}`, false, error.message);
    }
  }
}
process.stdout.write(`onnxruntime-node ${ort.env.versions?.node ?? ''}\n`);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
