import { ExperimentState, type Deployment } from '@ballast/contracts';

/** A share in [0, 1] as a percentage without noise: 0.1 → "10%", 1/3 → "33.33%". */
export function percent(share: number): string {
  return `${Number((share * 100).toFixed(2))}%`;
}

/** "running", "paused", "stopped" (or "unspecified"). */
export function experimentStateName(state: ExperimentState): string {
  return (ExperimentState[state] ?? String(state)).replace(/^EXPERIMENT_STATE_/, '').toLowerCase();
}

/** The strategy's name: replace, canary, shadow, experiment, or none. */
export function strategyName(deployment: Deployment | undefined): string {
  return deployment?.strategy.case ?? 'none';
}

/** Where traffic goes, version by version: "1 90%, 2 10%". */
export function trafficOf(deployment: Deployment): string {
  const s = deployment.strategy;
  switch (s.case) {
    case 'replace':
      return `${s.value.version} 100%`;
    case 'canary':
      return `${s.value.stableVersion} ${percent(1 - s.value.canaryWeight)}, ${s.value.canaryVersion} ${percent(s.value.canaryWeight)}`;
    case 'shadow':
      return `${s.value.primaryVersion} 100%, ${s.value.shadowVersion} mirrors ${percent(s.value.mirrorFraction)}`;
    case 'experiment':
      return s.value.variants.map((v) => `${v.name}=${v.version} ${percent(v.weight)}`).join(', ');
    default:
      return '';
  }
}

/** What the traffic leaves out: the experiment's id, state, control and unit; salts. */
export function detailsOf(deployment: Deployment): string {
  const s = deployment.strategy;
  const salt = (value: string) => (value ? `salt ${value}` : '');
  switch (s.case) {
    case 'canary':
      return salt(s.value.salt);
    case 'experiment':
      return [
        `experiment ${s.value.experimentId} ${experimentStateName(s.value.state)}`,
        `control ${s.value.controlVariant}`,
        `unit ${s.value.unitField}`,
        salt(s.value.salt),
      ]
        .filter(Boolean)
        .join(', ');
    default:
      return '';
  }
}

/** One line: "breast-cancer generation 4: canary — 1 90%, 2 10% (salt s1)". */
export function describeDeployment(deployment: Deployment): string {
  const details = detailsOf(deployment);
  return (
    `${deployment.model} generation ${deployment.generation}: ${strategyName(deployment)} — ` +
    `${trafficOf(deployment)}${details ? ` (${details})` : ''}`
  );
}
