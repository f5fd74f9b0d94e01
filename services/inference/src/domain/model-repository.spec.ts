import { parseManifest, VersionNotFoundError } from '@ballast/model-store';
import { createLogger } from '@ballast/telemetry';
import type { Tensor } from '@ballast/tensors';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ModelLoadError, ModelNotLoadedError } from './errors';
import type { ModelExecutor } from './executor';
import type { ServingSettings } from './loaded-version';
import { ModelRepository } from './model-repository';

const DEMO = path.resolve(__dirname, '../../../../infra/demo-models/breast-cancer');
const manifestOf = (version: string) =>
  parseManifest(JSON.parse(readFileSync(path.join(DEMO, version, 'manifest.json'), 'utf8')));

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** A fake executor per version: answers with its version number, can be held, records release. */
class FakeModel implements ModelExecutor {
  readonly execution = 'inline';
  readonly inputNames = ['input'];
  readonly outputNames = ['probabilities', 'label'];
  released = false;
  hold: Promise<void> | undefined;
  constructor(private readonly version: string) {}
  async run(inputs: readonly Tensor[]): Promise<Tensor[]> {
    if (this.released) throw new Error(`version ${this.version} used after release`);
    await this.hold;
    const rows = inputs[0]!.shape[0]!;
    return [
      {
        name: 'probabilities',
        datatype: 'FP32',
        shape: [rows, 2],
        data: new Float32Array(rows * 2),
      },
      {
        name: 'label',
        datatype: 'INT64',
        shape: [rows],
        data: new BigInt64Array(rows).fill(BigInt(this.version)),
      },
    ];
  }
  async release(): Promise<void> {
    this.released = true;
  }
}

const settings: ServingSettings = {
  limits: { maxConcurrent: 4, maxQueue: 16 },
  batching: undefined,
  session: {},
  execution: 'inline',
  inlineMaxMs: 1,
  maxElements: 1 << 20,
};
const input: Tensor = {
  name: 'input',
  datatype: 'FP32',
  shape: [1, 30],
  data: new Float32Array(30),
};

function setUp() {
  const models = new Map<string, FakeModel>();
  const opening = new Map<string, Promise<void>>();
  const broken = new Set<string>();
  const repository = new ModelRepository({
    store: {
      listVersions: async () => ['1', '2'],
      readModel: async (_name: string, version: string) => {
        if (version === '9') throw new VersionNotFoundError('breast-cancer', '9');
        return {
          manifest: { ...manifestOf(version === '3' ? '2' : version), version },
          bytes: new Uint8Array(),
        };
      },
    },
    settingsFor: () => settings,
    logger: createLogger({ service: 'test', level: 'error' }),
    open: async (_bytes, _settings) => {
      const version = String(models.size + 1);
      await opening.get(version);
      if (broken.has(version)) throw new Error('bad model bytes');
      const model = new FakeModel(version);
      models.set(version, model);
      return model;
    },
  });
  const answer = async (version?: string) => {
    const [, label] = await repository.resolve('breast-cancer', version).infer([input], []);
    return Number((label!.data as BigInt64Array)[0]);
  };
  return { repository, models, opening, broken, answer };
}

it('serves the old version while the new one loads, then switches in one step', async () => {
  const { repository, opening, answer } = setUp();
  await repository.load('breast-cancer', '1');
  const slow = gate();
  opening.set('2', slow.opened);
  const loading = repository.load('breast-cancer', '2');
  await expect(answer()).resolves.toBe(1);
  slow.open();
  await loading;
  await expect(answer()).resolves.toBe(2);
  expect(repository.versionsOf('breast-cancer')).toEqual(['2']);
});

it('lets requests in flight on the old version finish before releasing it', async () => {
  const { repository, models, answer } = setUp();
  await repository.load('breast-cancer', '1');
  const held = gate();
  models.get('1')!.hold = held.opened;
  const inFlight = answer();
  await repository.load('breast-cancer', '2');
  await expect(answer()).resolves.toBe(2);
  expect(models.get('1')!.released).toBe(false);
  held.open();
  await expect(inFlight).resolves.toBe(1);
  await new Promise((resolve) => setImmediate(resolve));
  expect(models.get('1')!.released).toBe(true);
});

it('leaves what serves untouched when a load fails', async () => {
  const { repository, broken, answer } = setUp();
  await repository.load('breast-cancer', '1');
  broken.add('2');
  await expect(repository.load('breast-cancer', '2')).rejects.toBeInstanceOf(ModelLoadError);
  await expect(repository.load('breast-cancer', '9')).rejects.toMatchObject({
    cause: expect.any(VersionNotFoundError),
  });
  await expect(answer()).resolves.toBe(1);
  expect(repository.versionsOf('breast-cancer')).toEqual(['1']);
});

it('refuses a model whose inputs or outputs differ from its manifest, and releases it', async () => {
  const opened: FakeModel[] = [];
  const repository = new ModelRepository({
    store: {
      listVersions: async () => ['1'],
      readModel: async () => ({ manifest: manifestOf('1'), bytes: new Uint8Array() }),
    },
    settingsFor: () => settings,
    logger: createLogger({ service: 'test', level: 'error' }),
    open: async () => {
      opened.push(Object.assign(new FakeModel('1'), { outputNames: ['scores'] }));
      return opened[0]!;
    },
  });
  await expect(repository.load('breast-cancer', '1')).rejects.toThrow(/scores/);
  expect(repository.index()).toEqual([]);
  expect(opened[0]?.released).toBe(true);
});

it('loads a version beside the current one without making it current', async () => {
  const { repository, answer } = setUp();
  await repository.load('breast-cancer', '1');
  await repository.load('breast-cancer', '2', { makeCurrent: false });
  await expect(answer()).resolves.toBe(1);
  await expect(answer('2')).resolves.toBe(2);
  await repository.unload('breast-cancer', '2');
  expect(() => repository.resolve('breast-cancer', '2')).toThrow(ModelNotLoadedError);
});

it('shares one load between concurrent requests for the same version', async () => {
  const { repository, models } = setUp();
  const [a, b] = await Promise.all([
    repository.load('breast-cancer', '1'),
    repository.load('breast-cancer', '1'),
  ]);
  expect(a).toBe(b);
  expect(models.size).toBe(1);
});
