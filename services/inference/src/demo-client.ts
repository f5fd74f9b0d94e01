/**
 * Calls a running Ballast the way any KServe V2 (Open Inference Protocol) client
 * would, with rows of a demo model's test split, and prints the answers:
 *
 *   node services/inference/dist/demo-client.js [model] [address] [unit id]
 *
 * The address defaults to the router's (the front door) from the
 * .data/endpoints.json that `npm start` wrote, else an inference replica's. The unit
 * id (default `user-1`) is what canaries and experiments assign variants by.
 */
import { GRPCInferenceService } from '@ballast/contracts';
import { createClient } from '@ballast/grpc';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

interface Expected {
  inputs: { input: { data: number[][] } };
}

function defaultAddress(): string {
  const file = path.join(ROOT, process.env['BALLAST_DATA_DIR'] ?? '.data', 'endpoints.json');
  const endpoints = JSON.parse(readFileSync(file, 'utf8')) as {
    services?: { router?: { grpc?: string }; inference?: { grpc?: string } };
  };
  const address = endpoints.services?.router?.grpc ?? endpoints.services?.inference?.grpc;
  if (!address) throw new Error(`${file} lists no router: is \`npm start\` running?`);
  return address;
}

async function main(): Promise<void> {
  const [model = 'breast-cancer', address = defaultAddress(), unit = 'user-1'] =
    process.argv.slice(2);
  const client = createClient(GRPCInferenceService, address);
  try {
    const metadata = await client.modelMetadata({ name: model }, { deadline: 5_000 });
    const version = metadata.versions.at(-1) ?? '';
    const expected = JSON.parse(
      readFileSync(path.join(ROOT, 'infra/demo-models', model, version, 'expected.json'), 'utf8'),
    ) as Expected;
    const rows = expected.inputs.input.data.slice(0, 3);
    const response = await client.modelInfer(
      {
        modelName: model,
        id: `demo-${Date.now()}`,
        parameters: { unit_id: { parameterChoice: { case: 'stringParam', value: unit } } },
        inputs: [
          {
            name: 'input',
            datatype: 'FP32',
            shape: [BigInt(rows.length), BigInt(rows[0]?.length ?? 0)],
            contents: { fp32Contents: rows.flat() },
          },
        ],
      },
      { deadline: 5_000 },
    );
    process.stdout.write(
      `${model} version ${response.modelVersion} at ${address} answered ${rows.length} rows:\n`,
    );
    // The router says how it routed the request (absent when calling a replica directly).
    for (const [name, value] of Object.entries(response.parameters)) {
      if (value.parameterChoice.case === 'stringParam' && value.parameterChoice.value !== '')
        process.stdout.write(`  ${name}: ${value.parameterChoice.value}\n`);
    }
    for (const output of response.outputs) {
      const values = output.contents?.fp32Contents.length
        ? output.contents.fp32Contents.map((v) => Number(v.toFixed(4)))
        : (output.contents?.int64Contents ?? []).map(String);
      process.stdout.write(
        `  ${output.name} [${output.shape.join(', ')}] ${output.datatype}: ${values.join(' ')}\n`,
      );
    }
  } finally {
    client.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`demo-client: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
