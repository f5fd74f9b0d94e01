import { ExperimentState, SetExperimentStateResponseSchema } from '@ballast/contracts';
import type { Command } from '../command';
import { changeCommand } from '../control/change-command';

function experimentStateCommand(verb: string, state: ExperimentState): Command {
  return changeCommand({
    path: ['experiment', verb],
    summary: `${verb} MODEL's current experiment`,
    usage: `usage: ballast experiment ${verb} MODEL

Sets the state of MODEL's current experiment (running, paused, stopped) as a new
generation of its deployment.`,
    options: {},
    response: SetExperimentStateResponseSchema,
    done: `experiment ${verb}`,
    prepare({ positionals }, change) {
      return ({ client }) =>
        client.setExperimentState({
          model: positionals[0],
          state,
          expectedGeneration: change.expectedGeneration,
          context: change.context,
        });
    },
  });
}

export const experimentPause = experimentStateCommand('pause', ExperimentState.PAUSED);
export const experimentResume = experimentStateCommand('resume', ExperimentState.RUNNING);
export const experimentStop = experimentStateCommand('stop', ExperimentState.STOPPED);
