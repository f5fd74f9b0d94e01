import { readFileSync } from 'node:fs';
import {
  ExperimentDefinitionError,
  parseExperimentDefinition,
  type ExperimentDefinition,
} from './experiment-definition';

/**
 * Parses a list of experiment definitions; a problem is reported with its position,
 * e.g. `experiments[1].variants: weights must sum to 1, sum to 0.9`.
 */
export function parseExperimentList(value: unknown): ExperimentDefinition[] {
  if (!Array.isArray(value)) throw new ExperimentDefinitionError('experiments', 'must be a list');
  const experiments = value.map((item, i) => {
    try {
      return parseExperimentDefinition(item);
    } catch (error) {
      if (!(error instanceof ExperimentDefinitionError)) throw error;
      throw new ExperimentDefinitionError(`experiments[${i}].${error.field}`, error.reason);
    }
  });
  const ids = experiments.map((e) => e.id);
  const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
  if (repeated !== undefined) {
    throw new ExperimentDefinitionError('experiments', `experiment id ${repeated} appears twice`);
  }
  return experiments;
}

/** Reads and validates the experiments file; an empty path means no experiments. */
export function loadExperimentsFile(path: string): ExperimentDefinition[] {
  if (path === '') return [];
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ExperimentDefinitionError('EXPERIMENTS_FILE', `cannot read ${path} as JSON`, {
      cause: error,
    });
  }
  return parseExperimentList(json);
}
