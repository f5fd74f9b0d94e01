/**
 * Manifests of the versions the router serves, read once per version from the
 * artifact store (a published version never changes). A failed read is not cached,
 * so a version published after its first request is found on a later one.
 */
import type { ArtifactStore, ModelManifest } from '@ballast/model-store';

export class ManifestCache {
  private readonly manifests = new Map<string, Promise<ModelManifest>>();

  constructor(private readonly store: Pick<ArtifactStore, 'getManifest'>) {}

  get(model: string, version: string): Promise<ModelManifest> {
    const key = `${model}@${version}`;
    let manifest = this.manifests.get(key);
    if (!manifest) {
      manifest = this.store.getManifest(model, version);
      this.manifests.set(key, manifest);
      manifest.catch(() => this.manifests.delete(key));
    }
    return manifest;
  }
}
