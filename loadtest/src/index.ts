/**
 * Ballast load generator: closed and open loops around any `() => Promise<void>`,
 * latency in HDR histograms, reports as an aligned table and a `RESULT_JSON ` line.
 *
 * @example
 * // from a script in loadtest/src/bench/
 * import { parseArgs, intListArg, durationArg, flagArg, sweep, printReport } from '../index';
 * const args = parseArgs(process.argv.slice(2), {
 *   concurrency: intListArg({ min: 1, default: [1, 8, 64] }),
 *   duration: durationArg({ default: 10_000 }),
 *   warmup: durationArg({ default: 2_000 }),
 *   json: flagArg(),
 * });
 * const results = await sweep({
 *   label: 'infer',
 *   call: () => client.modelInfer(request, { deadline: 5_000 }).then(() => undefined),
 *   concurrencies: args.concurrency,
 *   durationMs: args.duration,
 *   warmupMs: args.warmup,
 * });
 * printReport(results, { json: args.json });
 */
export type { ArgSpec, Args, ArgsSpec } from './cli';
export {
  ArgsError,
  durationArg,
  flagArg,
  flagName,
  formatUsage,
  intArg,
  intListArg,
  parseArgs,
  parseDuration,
  rateArg,
  stringArg,
} from './cli';
export type { ErrorClassifier } from './errors';
export { classifyError } from './errors';
export type { Call, ClosedLoopOptions, OpenLoopOptions, SweepOptions } from './generator';
export { DEFAULT_CONCURRENCIES, closedLoop, openLoop, sweep } from './generator';
export type { PrintReportOptions } from './report';
export { RESULT_JSON_PREFIX, formatTable, printReport, toJson } from './report';
export type { LatencySummary, RunResult } from './result';
