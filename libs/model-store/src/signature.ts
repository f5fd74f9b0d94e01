/**
 * Whether an opened model (an onnxruntime session, or anything that knows its
 * tensor names) is the model its manifest describes. Shared by everything that
 * opens models: the control plane refuses to register a mismatch, the inference
 * service refuses to load one.
 */
import type { ModelManifest } from './manifest';

/** The tensor names of an opened model, as onnxruntime reports them. */
export interface ModelSignature {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
}

/**
 * Undefined when the model's input and output names are the manifest's (in any
 * order); otherwise the reason, naming both sides.
 */
export function modelSignatureMismatch(
  manifest: Pick<ModelManifest, 'inputs' | 'outputs'>,
  model: ModelSignature,
): string | undefined {
  const names = (list: readonly string[]) => [...list].sort().join(', ');
  const declared = {
    inputs: names(manifest.inputs.map((t) => t.name)),
    outputs: names(manifest.outputs.map((t) => t.name)),
  };
  const actual = { inputs: names(model.inputNames), outputs: names(model.outputNames) };
  if (declared.inputs === actual.inputs && declared.outputs === actual.outputs) return undefined;
  return (
    `the manifest declares inputs [${declared.inputs}] and outputs [${declared.outputs}], ` +
    `the model has [${actual.inputs}] and [${actual.outputs}]`
  );
}
