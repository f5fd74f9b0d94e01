import type { Command } from '../command';
import { deploy } from './deploy';
import { driftCompare } from './drift-compare';
import { driftReport } from './drift-report';
import { experimentPlan } from './experiment-plan';
import { experimentReport } from './experiment-report';
import { experimentPause, experimentResume, experimentStop } from './experiment-state';
import { history } from './history';
import { modelsList } from './models-list';
import { modelsRegister } from './models-register';
import { modelsShow } from './models-show';
import { promote } from './promote';
import { rollback } from './rollback';
import { status } from './status';

/** Every `ballast` command, in the order `ballast --help` lists them. */
export const COMMANDS: readonly Command[] = [
  modelsRegister,
  modelsList,
  modelsShow,
  deploy,
  promote,
  rollback,
  experimentPause,
  experimentResume,
  experimentStop,
  status,
  history,
  driftCompare,
  driftReport,
  experimentPlan,
  experimentReport,
];
