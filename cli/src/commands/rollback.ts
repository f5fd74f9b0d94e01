import { RollbackResponseSchema } from '@ballast/contracts';
import { changeCommand } from '../control/change-command';

export const rollback = changeCommand({
  path: ['rollback'],
  summary: 'make the deployment before the current one current again',
  usage: `usage: ballast rollback MODEL

Restores MODEL's previous deployment as a new generation (the history keeps both).`,
  options: {},
  response: RollbackResponseSchema,
  done: 'rolled back',
  prepare({ positionals }, change) {
    return ({ client }) =>
      client.rollback({
        model: positionals[0],
        expectedGeneration: change.expectedGeneration,
        context: change.context,
      });
  },
});
