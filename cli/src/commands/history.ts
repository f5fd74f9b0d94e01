import { HistoryResponseSchema, type AuditEntry } from '@ballast/contracts';
import { parseCommandArgs, parseCount } from '../args';
import { UsageError, type Command } from '../command';
import { withControl } from '../control/client';
import { CONTROL_OPTIONS, CONTROL_USAGE } from '../control/options';
import { strategyName, trafficOf } from '../format/deployment';
import { writeResult } from '../format/output';
import { formatTable } from '../format/table';
import { formatTime } from '../format/time';

const MAX_LIMIT = 0xffff_ffff;

/** What an entry changed: the version registered, or the deployment that became active. */
function changeOf(entry: AuditEntry): string {
  const d = entry.deployment;
  if (!d) return entry.version;
  return `generation ${d.generation} ${strategyName(d)}: ${trafficOf(d)}`;
}

/** The audit history as a table, newest first as the control plane returns it. */
export function historyTable(entries: readonly AuditEntry[]): string {
  if (entries.length === 0) return 'no history\n';
  return formatTable(entries, [
    { header: 'TIME', value: (e) => formatTime(e.time) },
    { header: 'MODEL', value: (e) => e.model },
    { header: 'ACTION', value: (e) => e.action },
    { header: 'CHANGE', value: changeOf },
    { header: 'ACTOR', value: (e) => e.actor },
    { header: 'REASON', value: (e) => e.reason },
  ]);
}

export const history: Command = {
  path: ['history'],
  summary: 'the audit history: who changed what, when and why',
  usage: `usage: ballast history [MODEL] [--limit N]

The audit history of every model, or MODEL's, newest first.
  --limit N             the N most recent entries (default: the control plane's, 100)
${CONTROL_USAGE}`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      options: { limit: { type: 'string' }, ...CONTROL_OPTIONS },
      positionals: ['model'],
      required: 0,
    });
    const limit = values.limit === undefined ? 0n : parseCount(values.limit, 'limit');
    if (limit > MAX_LIMIT) throw new UsageError(`--limit must be at most ${MAX_LIMIT}`);
    if (values.limit !== undefined && limit === 0n)
      throw new UsageError('--limit must be at least 1');
    return withControl({ control: values.control, io }, async ({ client }) => {
      const response = await client.history({ model: positionals[0] ?? '', limit: Number(limit) });
      writeResult(io, {
        json: values.json,
        schema: HistoryResponseSchema,
        message: response,
        text: () => historyTable(response.entries),
      });
      return 0;
    });
  },
};
