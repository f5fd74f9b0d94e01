import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { FileSystemArtifactStore } from './store';

// The demo models the local stack serves (MODEL_STORE_DIR): every committed version
// must load, or `npm start` fails on it.
const ROOT = path.resolve(__dirname, '../../../infra/demo-models');

function committedVersions(): [string, string][] {
  if (!existsSync(ROOT)) return [];
  const folders = (dir: string) =>
    readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  return folders(ROOT).flatMap((model) =>
    folders(path.join(ROOT, model))
      .filter((version) => existsSync(path.join(ROOT, model, version, 'manifest.json')))
      .map((version): [string, string] => [model, version]),
  );
}

const versions = committedVersions();

if (versions.length === 0) {
  it.skip(`demo models: none under ${ROOT} yet, nothing to check`, () => undefined);
} else {
  describe.each(versions)('demo model %s version %s', (model, version) => {
    const store = new FileSystemArtifactStore({ root: ROOT });

    it('has a valid manifest naming its folder', async () => {
      const manifest = await store.getManifest(model, version);
      expect([manifest.name, manifest.version]).toEqual([model, version]);
    });

    it('has a valid profile of the manifest features', async () => {
      const [manifest, profile] = await Promise.all([
        store.getManifest(model, version),
        store.getProfile(model, version),
      ]);
      expect(Object.keys(profile.features).sort()).toEqual(
        manifest.features.map((f) => f.name).sort(),
      );
    });

    it('has a model file matching its checksum', async () => {
      const { bytes } = await store.readModel(model, version);
      expect(bytes.byteLength).toBeGreaterThan(0);
    });
  });
}
