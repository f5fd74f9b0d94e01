import { ExperimentState, type Deployment, type DeploymentSchema } from '@ballast/contracts';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { atMostOne, parseNumber, requireOption } from '../args';
import { UsageError } from '../command';

/** The strategy flags of `ballast deploy`, as parsed. */
export interface DeployFlags {
  version?: string;
  canary?: string;
  weight?: string;
  stable?: string;
  salt?: string;
  shadow?: string;
  fraction?: string;
  primary?: string;
  experiment?: string;
  variants?: string;
  'unit-field'?: string;
  'control-variant'?: string;
}

type Mode = 'version' | 'canary' | 'shadow' | 'experiment';

// Which flags each strategy takes besides its own; anything else is a mistake worth
// saying rather than ignoring (a --weight on a replace is probably a missing --canary).
const MODE_FLAGS: Record<Mode, readonly (keyof DeployFlags)[]> = {
  version: [],
  canary: ['weight', 'stable', 'salt'],
  shadow: ['fraction', 'primary'],
  experiment: ['variants', 'unit-field', 'salt', 'control-variant'],
};

export type DeploymentInit = MessageInitShape<typeof DeploymentSchema>;

/** One experiment arm as `--variants` gives it. */
export interface VariantInit {
  name: string;
  version: string;
  weight: number;
}

/**
 * A deployment to send, or one that still needs the current deployment's serving
 * version (`needs`: the flag it stands in for) before it can be built.
 */
export interface DeployPlan {
  mode: Mode;
  /** The flag left out whose version must come from the current deployment. */
  needs?: 'stable' | 'primary';
  build(currentVersion?: string): DeploymentInit;
}

/**
 * `name=version:weight,...` as experiment variants. Names are unique, weights are
 * numbers in [0, 1]; whether they sum to 1 is the control plane's rule to enforce.
 */
export function parseVariants(text: string): VariantInit[] {
  const parts = text.split(',').map((part) => part.trim());
  const variants = parts.map((part) => {
    const match = /^([^=:\s]+)=([^=\s]+):([^:=\s]+)$/.exec(part);
    if (!match)
      throw new UsageError(
        `--variants: '${part}' is not NAME=VERSION:WEIGHT (e.g. control=1:0.5,treatment=2:0.5)`,
      );
    const [, name = '', version = '', weight = ''] = match;
    return {
      name,
      version,
      weight: parseNumber(weight, `variants weight of '${name}'`, { min: 0, max: 1 }),
    };
  });
  if (variants.length < 2)
    throw new UsageError('--variants: an experiment needs at least two variants');
  const seen = new Set<string>();
  for (const { name } of variants) {
    if (seen.has(name)) throw new UsageError(`--variants: variant '${name}' is given twice`);
    seen.add(name);
  }
  return variants;
}

function checkOnlyModeFlags(mode: Mode, flags: DeployFlags): void {
  const allowed = new Set<string>([mode, ...MODE_FLAGS[mode]]);
  for (const other of Object.keys(MODE_FLAGS) as Mode[]) {
    for (const flag of [other, ...MODE_FLAGS[other]]) {
      if (flags[flag] !== undefined && !allowed.has(flag))
        throw new UsageError(`option --${flag} does not apply to --${mode}`);
    }
  }
}

/**
 * Checks the flags of `ballast deploy <model>` and plans the deployment: every
 * mistake found here is a UsageError, before anything is sent.
 */
export function planDeployment(model: string, flags: DeployFlags): DeployPlan {
  const mode = atMostOne({
    version: flags.version,
    canary: flags.canary,
    shadow: flags.shadow,
    experiment: flags.experiment,
  }) as Mode | undefined;
  if (!mode)
    throw new UsageError('say what to deploy: --version, --canary, --shadow or --experiment');
  checkOnlyModeFlags(mode, flags);
  switch (mode) {
    case 'version': {
      const version = requireOption(flags.version, 'version');
      return { mode, build: () => ({ model, strategy: { case: 'replace', value: { version } } }) };
    }
    case 'canary': {
      const canaryVersion = requireOption(flags.canary, 'canary');
      const canaryWeight = parseNumber(requireOption(flags.weight, 'weight'), 'weight', {
        min: 0,
        max: 1,
      });
      const salt = flags.salt ?? '';
      return {
        mode,
        needs: flags.stable === undefined ? 'stable' : undefined,
        build: (current) => ({
          model,
          strategy: {
            case: 'canary',
            value: { stableVersion: flags.stable ?? current, canaryVersion, canaryWeight, salt },
          },
        }),
      };
    }
    case 'shadow': {
      const shadowVersion = requireOption(flags.shadow, 'shadow');
      const mirrorFraction = parseNumber(requireOption(flags.fraction, 'fraction'), 'fraction', {
        min: 0,
        max: 1,
      });
      return {
        mode,
        needs: flags.primary === undefined ? 'primary' : undefined,
        build: (current) => ({
          model,
          strategy: {
            case: 'shadow',
            value: { primaryVersion: flags.primary ?? current, shadowVersion, mirrorFraction },
          },
        }),
      };
    }
    case 'experiment': {
      const experimentId = requireOption(flags.experiment, 'experiment');
      const variants = parseVariants(requireOption(flags.variants, 'variants'));
      const unitField = requireOption(flags['unit-field'], 'unit-field');
      const names = variants.map((v) => v.name);
      const controlVariant =
        flags['control-variant'] ?? (names.includes('control') ? 'control' : names[0]);
      if (!controlVariant || !names.includes(controlVariant))
        throw new UsageError(
          `--control-variant '${controlVariant}' is not one of the variants (${names.join(', ')})`,
        );
      return {
        mode,
        build: () => ({
          model,
          strategy: {
            case: 'experiment',
            value: {
              experimentId,
              variants,
              unitField,
              salt: flags.salt ?? '',
              controlVariant,
              state: ExperimentState.RUNNING,
            },
          },
        }),
      };
    }
  }
}

/**
 * The version that answers callers now, to keep as the stable or primary of a new
 * canary or shadow: the replaced version, the canary's stable, the shadow's primary.
 * None for an experiment (every variant answers) or no deployment.
 */
export function servingVersion(deployment: Deployment | undefined): string | undefined {
  const s = deployment?.strategy;
  switch (s?.case) {
    case 'replace':
      return s.value.version;
    case 'canary':
      return s.value.stableVersion;
    case 'shadow':
      return s.value.primaryVersion;
    default:
      return undefined;
  }
}
