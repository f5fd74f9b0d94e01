/**
 * The baseline the inference benchmark compares against: what most teams start with.
 * One Node HTTP endpoint, JSON in and out, one `session.run` per request, no batching,
 * no limits. Prints `{"listening": <port>}` once ready.
 *
 *   node loadtest/dist/bench/naive-server.js <model.onnx> [port]
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import * as ort from 'onnxruntime-node';

async function main(): Promise<void> {
  const [modelPath, port = '0'] = process.argv.slice(2);
  if (!modelPath) throw new Error('usage: naive-server <model.onnx> [port]');
  const session = await ort.InferenceSession.create(readFileSync(modelPath), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      void (async () => {
        try {
          const { instances } = JSON.parse(body) as { instances: number[][] };
          const width = instances[0]?.length ?? 0;
          const input = new ort.Tensor('float32', Float32Array.from(instances.flat()), [
            instances.length,
            width,
          ]);
          const results = await session.run({ [session.inputNames[0]!]: input });
          const predictions = Object.fromEntries(
            Object.entries(results).map(([name, tensor]) => [
              name,
              Array.from(tensor.data as ArrayLike<number | bigint>, Number),
            ]),
          );
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ predictions }));
        } catch (error) {
          response.writeHead(400, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ error: (error as Error).message }));
        }
      })();
    });
  });
  server.listen(Number(port), '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(
      `${JSON.stringify({ listening: typeof address === 'object' ? address?.port : port })}\n`,
    );
  });
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}

main().catch((error: unknown) => {
  process.stderr.write(`naive-server: ${(error as Error).message}\n`);
  process.exit(1);
});
