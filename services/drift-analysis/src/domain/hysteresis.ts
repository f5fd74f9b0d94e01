/**
 * Turns window-by-window findings into a status that does not flap.
 *
 * Each subject (a feature's drift, a feature's data-quality check, the dataset) moves
 * between three states:
 * - ok → warning on a drifted window; warning → alert after `alertAfter` drifted
 *   windows in a row (straight to alert when alertAfter = 1);
 * - warning → ok on the first clean window (a single blip never alerts);
 * - alert → ok only after `clearAfter` clean windows in a row;
 * - an insufficient-data window changes nothing and does not break a run.
 * The model's status is the worst of its subjects.
 */

export type Severity = 'ok' | 'warning' | 'alert';
export type Observation = 'drift' | 'ok' | 'insufficient_data';

export interface Transition {
  readonly subject: string;
  readonly from: Severity;
  readonly to: Severity;
}

interface SubjectState {
  severity: Severity;
  drifted: number;
  clean: number;
}

const RANK: Record<Severity, number> = { ok: 0, warning: 1, alert: 2 };

export class HysteresisTracker {
  private readonly subjects = new Map<string, SubjectState>();

  constructor(
    private readonly options: { readonly alertAfter: number; readonly clearAfter: number },
  ) {}

  /** Records one window's observation of a subject; returns the change, if any. */
  observe(subject: string, observation: Observation): Transition | undefined {
    const state = this.subjects.get(subject) ?? { severity: 'ok', drifted: 0, clean: 0 };
    this.subjects.set(subject, state);
    if (observation === 'insufficient_data') return undefined;
    const from = state.severity;
    if (observation === 'drift') {
      state.drifted += 1;
      state.clean = 0;
      if (from === 'alert' || state.drifted >= this.options.alertAfter) state.severity = 'alert';
      else state.severity = 'warning';
    } else {
      state.clean += 1;
      state.drifted = 0;
      if (from === 'warning' || (from === 'alert' && state.clean >= this.options.clearAfter)) {
        state.severity = 'ok';
      }
    }
    return from === state.severity ? undefined : { subject, from, to: state.severity };
  }

  severity(subject: string): Severity {
    return this.subjects.get(subject)?.severity ?? 'ok';
  }

  /** The worst severity over every subject seen. */
  overall(): Severity {
    let worst: Severity = 'ok';
    for (const s of this.subjects.values()) if (RANK[s.severity] > RANK[worst]) worst = s.severity;
    return worst;
  }
}
