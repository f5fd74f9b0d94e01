import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const DEMO_MODELS = path.resolve(__dirname, '../../../infra/demo-models');

export interface DemoModelCopy {
  /** The name the copy is registered under (written into each manifest). */
  as: string;
  /** Where `<version>/` folders are written. */
  into: string;
  /** The demo model copied (a folder of infra/demo-models). */
  from?: string;
  versions?: readonly string[];
}

/**
 * Copies demo model versions under a name of the caller's own. The control topic is
 * shared by everything on the stack and a deployment's generation only grows, so
 * tests and benchmarks deploy models of their own instead of the demo names.
 * Returns the folder of each version.
 */
export function copyDemoModel(options: DemoModelCopy): string[] {
  const { as: model, into, from = 'breast-cancer', versions = ['1', '2'] } = options;
  return versions.map((version) => {
    const target = path.join(into, version);
    cpSync(path.join(DEMO_MODELS, from, version), target, { recursive: true });
    const file = path.join(target, 'manifest.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...manifest, name: model }));
    return target;
  });
}
