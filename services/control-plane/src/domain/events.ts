/** The ControlEvents a change publishes on ballast.control.v1 (key: the model name). */
import { ControlEventSchema, type ControlEvent, type Deployment } from '@ballast/contracts';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { ChangeContext } from './state';

export interface EventIdentity {
  readonly eventId: string;
  readonly time: Date;
  readonly context: ChangeContext;
}

export function versionRegistered(id: EventIdentity, model: string, version: string): ControlEvent {
  return create(ControlEventSchema, {
    ...common(id),
    model: { name: model, version },
    change: { case: 'versionRegistered', value: { model, version } },
  });
}

export function deploymentChanged(id: EventIdentity, deployment: Deployment): ControlEvent {
  return create(ControlEventSchema, {
    ...common(id),
    model: { name: deployment.model, deployment: `${deployment.model}@${deployment.generation}` },
    change: { case: 'deploymentChanged', value: deployment },
  });
}

function common({ eventId, time, context }: EventIdentity) {
  return {
    eventId,
    eventTime: timestampFromDate(time),
    actor: context.actor,
    reason: context.reason,
  };
}
