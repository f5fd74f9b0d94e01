import { mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sha256Hex } from './checksum';
import { MODEL_BYTES, MODEL_SHA256, manifestJson, profileJson } from '../test/fixtures';
import {
  ChecksumMismatchError,
  InvalidNameError,
  ManifestError,
  ModelFileError,
  ModelNotFoundError,
  ProfileError,
  VersionExistsError,
  VersionNotFoundError,
} from './errors';
import { parseManifest } from './manifest';
import { parseProfile } from './profile';
import { FileSystemArtifactStore, sortVersions } from './store';

// rename is wrapped so one test can make the final step of a put fail.
jest.mock('node:fs/promises', () => {
  const actual = jest.requireActual<typeof import('node:fs/promises')>('node:fs/promises');
  return { ...actual, rename: jest.fn(actual.rename) };
});

function version(name = 'iris-lite', v = '1') {
  return {
    manifest: parseManifest(manifestJson(name, v)),
    model: MODEL_BYTES,
    profile: parseProfile(profileJson()),
  };
}

describe('FileSystemArtifactStore', () => {
  let root: string;
  let store: FileSystemArtifactStore;

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'model-store-'));
    store = new FileSystemArtifactStore({ root: path.join(root, 'models') });
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const file = (...parts: string[]) => path.join(root, 'models', ...parts);

  it('is empty before the first put', async () => {
    expect(await store.listModels()).toEqual([]);
  });

  it('stores a version and reads it back', async () => {
    const input = version();
    await store.putVersion(input);

    expect(await store.listModels()).toEqual(['iris-lite']);
    expect(await store.listVersions('iris-lite')).toEqual(['1']);
    expect(await store.getManifest('iris-lite', '1')).toEqual(input.manifest);
    expect(await store.getProfile('iris-lite', '1')).toEqual(input.profile);
    const { manifest, bytes } = await store.readModel('iris-lite', '1');
    expect(manifest.sha256).toBe(MODEL_SHA256);
    expect(Buffer.from(bytes).equals(Buffer.from(MODEL_BYTES))).toBe(true);
    expect((await readdir(file('iris-lite', '1'))).sort()).toEqual([
      'manifest.json',
      'model.onnx',
      'profile.json',
    ]);
  });

  it('stores a version without a profile, which then reads as missing', async () => {
    await store.putVersion({ ...version(), profile: undefined });
    await expect(store.readModel('iris-lite', '1')).resolves.toMatchObject({ bytes: MODEL_BYTES });
    await expect(store.getProfile('iris-lite', '1')).rejects.toThrow(/profile.*is missing/s);
  });

  it('lists models sorted and versions in numeric order', async () => {
    for (const v of ['10', '2', '1']) await store.putVersion(version('wine', v));
    await store.putVersion(version('breast-cancer', '1'));
    expect(await store.listModels()).toEqual(['breast-cancer', 'wine']);
    expect(await store.listVersions('wine')).toEqual(['1', '2', '10']);
  });

  it('refuses to overwrite a version and leaves it as it was', async () => {
    await store.putVersion(version());
    const changed = version();
    const other = new TextEncoder().encode('another model');
    const manifest = { ...changed.manifest, sha256: sha256Hex(other) };
    await expect(store.putVersion({ ...changed, manifest, model: other })).rejects.toThrow(
      VersionExistsError,
    );
    expect((await store.readModel('iris-lite', '1')).manifest.sha256).toBe(MODEL_SHA256);
  });

  it('lets exactly one of two concurrent puts of a version win', async () => {
    const results = await Promise.allSettled([
      store.putVersion(version()),
      store.putVersion(version()),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const [failure] = results.filter((r) => r.status === 'rejected');
    expect(failure?.reason).toBeInstanceOf(VersionExistsError);
    expect(await readdir(file())).toEqual(['iris-lite']);
  });

  it('leaves no version and no staging folder when a write fails', async () => {
    jest.mocked(rename).mockRejectedValueOnce(new Error('disk full'));
    await expect(store.putVersion(version())).rejects.toThrow('disk full');
    expect(await readdir(file())).toEqual(['iris-lite']);
    expect(await store.listModels()).toEqual([]);
    expect(await store.listVersions('iris-lite')).toEqual([]);
  });

  it('ignores a staging folder left by a crash', async () => {
    await store.putVersion(version());
    await mkdir(file('.incoming-wine-1-abc123'), { recursive: true });
    expect(await store.listModels()).toEqual(['iris-lite']);
  });

  it('refuses a put whose model bytes do not match the checksum, writing nothing', async () => {
    const input = version();
    const error = await store
      .putVersion({ ...input, model: new TextEncoder().encode('tampered') })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChecksumMismatchError);
    expect(error).toMatchObject({ model: 'iris-lite', version: '1', expected: MODEL_SHA256 });
    expect(await store.listModels()).toEqual([]);
  });

  it('refuses a put with an invalid manifest or a profile that does not fit it', async () => {
    const input = version();
    const manifest = { ...input.manifest, inputs: [] };
    await expect(store.putVersion({ ...input, manifest })).rejects.toThrow(ManifestError);
    const profile = { ...input.profile, features: {} };
    await expect(store.putVersion({ ...input, profile })).rejects.toThrow(ProfileError);
    expect(await store.listModels()).toEqual([]);
  });

  it('detects a model file corrupted after it was stored', async () => {
    await store.putVersion(version());
    await writeFile(file('iris-lite', '1', 'model.onnx'), 'bit rot');
    const error = await store.readModel('iris-lite', '1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChecksumMismatchError);
    expect(error).toMatchObject({
      model: 'iris-lite',
      version: '1',
      expected: MODEL_SHA256,
      actual: expect.not.stringMatching(MODEL_SHA256),
    });
  });

  it('tells a missing model from a missing version', async () => {
    await store.putVersion(version());
    await expect(store.listVersions('wine')).rejects.toThrow(ModelNotFoundError);
    await expect(store.getManifest('wine', '1')).rejects.toThrow(ModelNotFoundError);
    await expect(store.readModel('wine', '1')).rejects.toThrow(ModelNotFoundError);
    await expect(store.getManifest('iris-lite', '2')).rejects.toThrow(VersionNotFoundError);
    await expect(store.getProfile('iris-lite', '2')).rejects.toThrow(VersionNotFoundError);
    await expect(store.readModel('iris-lite', '2')).rejects.toMatchObject({
      name: 'VersionNotFoundError',
      model: 'iris-lite',
      version: '2',
    });
  });

  it.each(['../outside', '..', '.', 'a/b', '', 'Upper', '.incoming-x'])(
    'rejects the name %p before touching the file system',
    async (name) => {
      // A readable version outside the root: reaching it would mean the name escaped.
      await mkdir(path.join(root, 'outside', '1'), { recursive: true });
      await writeFile(
        path.join(root, 'outside', '1', 'manifest.json'),
        JSON.stringify(manifestJson('outside')),
      );
      await expect(store.listVersions(name)).rejects.toThrow(InvalidNameError);
      await expect(store.getManifest(name, '1')).rejects.toThrow(InvalidNameError);
      await expect(store.getManifest('iris-lite', name)).rejects.toThrow(
        /invalid version name .*: use 1 to 64/,
      );
      await expect(store.readModel(name, '1')).rejects.toThrow(InvalidNameError);
    },
  );

  describe('a broken version on disk', () => {
    beforeEach(() => store.putVersion(version()));

    it('reports a manifest that is not JSON with its path', async () => {
      await writeFile(file('iris-lite', '1', 'manifest.json'), '{ "name": ');
      const error = await store.getManifest('iris-lite', '1').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ManifestError);
      expect((error as Error).message).toContain(file('iris-lite', '1', 'manifest.json'));
      expect((error as ManifestError).problems[0]?.reason).toMatch(/^is not valid JSON/);
    });

    it('reports a missing manifest as a broken manifest, not a missing version', async () => {
      await rm(file('iris-lite', '1', 'manifest.json'));
      await expect(store.readModel('iris-lite', '1')).rejects.toMatchObject({
        name: 'ManifestError',
        source: file('iris-lite', '1', 'manifest.json'),
        problems: [{ field: '(root)', reason: 'is missing' }],
      });
    });

    it('reports an invalid manifest field by field', async () => {
      const json = manifestJson();
      json['sha256'] = 'nope';
      await writeFile(file('iris-lite', '1', 'manifest.json'), JSON.stringify(json));
      await expect(store.getManifest('iris-lite', '1')).rejects.toMatchObject({
        problems: [{ field: 'sha256', reason: expect.stringContaining('64 hex digits') }],
      });
    });

    it('rejects a manifest that names another model or version than its folder', async () => {
      await writeFile(
        file('iris-lite', '1', 'manifest.json'),
        JSON.stringify(manifestJson('wine', '7')),
      );
      await expect(store.getManifest('iris-lite', '1')).rejects.toMatchObject({
        problems: [
          { field: 'name', reason: 'must be "iris-lite", its folder' },
          { field: 'version', reason: 'must be "1", its folder' },
        ],
      });
    });

    it('reports a missing profile and a missing model file', async () => {
      await rm(file('iris-lite', '1', 'profile.json'));
      await rm(file('iris-lite', '1', 'model.onnx'));
      await expect(store.getProfile('iris-lite', '1')).rejects.toMatchObject({
        name: 'ProfileError',
        problems: [{ field: '(root)', reason: 'is missing' }],
      });
      await expect(store.readModel('iris-lite', '1')).rejects.toThrow(ModelFileError);
    });

    it('writes files another reader can parse', async () => {
      const text = await readFile(file('iris-lite', '1', 'manifest.json'), 'utf8');
      expect(parseManifest(JSON.parse(text))).toEqual(version().manifest);
    });
  });
});

describe('sortVersions', () => {
  it('sorts whole numbers numerically, beyond the range of a double', () => {
    expect(
      sortVersions(['10', '9', '1', '100000000000000000001', '100000000000000000000']),
    ).toEqual(['1', '9', '10', '100000000000000000000', '100000000000000000001']);
  });

  it('sorts anything else lexically', () => {
    expect(sortVersions(['1.10', '1.2', '2', 'v1'])).toEqual(['1.10', '1.2', '2', 'v1']);
    expect(sortVersions(['b', '10', 'a'])).toEqual(['10', 'a', 'b']);
  });
});
