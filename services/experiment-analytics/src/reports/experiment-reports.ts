/**
 * What the API serves: the configured experiments, the latest analysis of each (kept
 * in memory as the scheduler produces it; the scheduler analyses every experiment
 * right after start) and the timeline of earlier looks from experiment_results.
 */
import type { ExperimentReport } from '../analysis/report';
import type { ExperimentDefinition } from '../domain/experiment-definition';

/** One look's result for one treatment on one metric. */
export interface TimelineRow {
  readonly computedAt: Date;
  readonly metric: string;
  readonly variant: string;
  readonly n: number;
  readonly lift: number | null;
  readonly liftLower: number | null;
  readonly liftUpper: number | null;
  readonly relativeLift: number | null;
  readonly relativeLiftLower: number | null;
  readonly relativeLiftUpper: number | null;
  readonly adjustedPValue: number | null;
}

export interface TimelineSource {
  timeline(experimentId: string): Promise<TimelineRow[]>;
}

/** The experiment id is not in EXPERIMENTS_FILE. */
export class UnknownExperimentError extends Error {
  override readonly name = 'UnknownExperimentError';
  constructor(readonly experimentId: string) {
    super(`experiment_id: no experiment "${experimentId}" is configured`);
  }
}

/** The experiment is configured but has no analysis yet (not started, or the first look runs). */
export class NotAnalysedError extends Error {
  override readonly name = 'NotAnalysedError';
  constructor(readonly experimentId: string) {
    super(`experiment "${experimentId}" has not been analysed yet`);
  }
}

export interface ExperimentEntry {
  readonly definition: ExperimentDefinition;
  readonly latest: ExperimentReport | undefined;
}

export class ExperimentReports {
  private readonly definitions: ReadonlyMap<string, ExperimentDefinition>;
  private readonly latest = new Map<string, ExperimentReport>();

  constructor(
    experiments: readonly ExperimentDefinition[],
    private readonly source: TimelineSource,
  ) {
    this.definitions = new Map(experiments.map((e) => [e.id, e]));
  }

  record(report: ExperimentReport): void {
    this.latest.set(report.experimentId, report);
  }

  list(): ExperimentEntry[] {
    return [...this.definitions.values()].map((definition) => ({
      definition,
      latest: this.latest.get(definition.id),
    }));
  }

  async report(
    experimentId: string,
  ): Promise<{ report: ExperimentReport; timeline: TimelineRow[] }> {
    if (!this.definitions.has(experimentId)) throw new UnknownExperimentError(experimentId);
    const report = this.latest.get(experimentId);
    if (!report) throw new NotAnalysedError(experimentId);
    return { report, timeline: await this.source.timeline(experimentId) };
  }
}
