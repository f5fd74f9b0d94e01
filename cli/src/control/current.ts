import type { Deployment } from '@ballast/contracts';
import type { ControlClient } from './client';

/**
 * The model's active deployment, or undefined when it has none. An unknown model is
 * the control plane's NOT_FOUND, which the caller sees as such.
 */
export async function currentDeployment(
  client: ControlClient,
  model: string,
): Promise<Deployment | undefined> {
  const { deployment } = await client.getDeployment({ model });
  return deployment?.strategy.case ? deployment : undefined;
}
