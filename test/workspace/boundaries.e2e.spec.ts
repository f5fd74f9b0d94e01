// The workspace's import boundaries, checked with the project's own ESLint config:
// each forbidden import is reported with a message that says where the code goes.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

/** The messages of our restriction rules for `code` linted as if it were `file`. */
function messages(file: string, code: string): string[] {
  const run = spawnSync(
    path.join(root, 'node_modules/.bin/eslint'),
    ['--format', 'json', '--stdin', '--stdin-filename', path.join(root, file)],
    { cwd: root, input: code, encoding: 'utf8' },
  );
  const [result] = JSON.parse(run.stdout) as { messages: { ruleId: string; message: string }[] }[];
  return (result?.messages ?? [])
    .filter((m) => m.ruleId.startsWith('no-restricted-'))
    .map((m) => `${m.ruleId}: ${m.message}`);
}

describe('import boundaries', () => {
  it('keeps the stats lib free of I/O packages and other libs', () => {
    const found = messages(
      'libs/stats/src/probe.ts',
      "import { Kafka } from 'kafkajs';\nimport { readFileSync } from 'node:fs';\nimport { loadConfig } from '@ballast/config';\nexport const x = [Kafka, readFileSync, loadConfig];\n",
    );
    expect(found).toEqual([
      expect.stringMatching(/'kafkajs'.*stats is pure computation: do the I\/O in a service/),
      expect.stringMatching(/'node:fs'.*stats is pure computation/),
      expect.stringMatching(/'@ballast\/config'.*stats imports no other lib/),
    ]);
  });

  it('stops libs from importing services', () => {
    const found = messages(
      'libs/kafka/src/probe.ts',
      "import { x } from '../../../services/router/src/x';\nexport const y = x;\n",
    );
    expect(found).toEqual([
      expect.stringMatching(/Libs never import services\. Move the shared code into a lib/),
    ]);
  });

  it('stops services from importing each other', () => {
    const found = messages(
      'services/router/src/probe.ts',
      "import { x } from '../../inference/src/x';\nexport const y = x;\n",
    );
    expect(found).toEqual([
      expect.stringMatching(/Services talk over gRPC and Kafka, never by import/),
    ]);
  });

  it("allows only a lib's public API", () => {
    const found = messages(
      'libs/config/src/probe.ts',
      "import { TOPICS } from '@ballast/kafka/src/topics';\nexport const y = TOPICS;\n",
    );
    expect(found).toEqual([expect.stringMatching(/Import the lib's public API/)]);
  });

  it('bans export * so every public name is chosen', () => {
    const found = messages('libs/config/src/probe.ts', "export * from './config';\n");
    expect(found).toEqual([expect.stringMatching(/List each public name on purpose/)]);
  });
});
