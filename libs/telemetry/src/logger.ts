import { trace } from '@opentelemetry/api';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger whose lines all carry `fields` (e.g. a component name). */
  child(fields: LogFields): Logger;
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  service: string;
  level?: LogLevel;
  /** Where lines go; one JSON object per call, newline-terminated. Defaults to stdout. */
  write?: (line: string) => void;
}

/** Errors keep their cause chain so the root of a failure shows in one log line. */
function serializeError(error: Error): LogFields {
  const out: LogFields = { type: error.name, message: error.message, stack: error.stack };
  if (error.cause instanceof Error) out['cause'] = serializeError(error.cause);
  return out;
}

function serialize(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] =
      value instanceof Error
        ? serializeError(value)
        : typeof value === 'bigint'
          ? value.toString()
          : value;
  }
  return out;
}

/**
 * Structured JSON logs, one object per line, with the active trace and span ids so a
 * log line can be joined to its trace.
 */
export function createLogger(options: LoggerOptions): Logger {
  const threshold = rank[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  const make = (bound: LogFields): Logger => {
    const log = (level: LogLevel, msg: string, fields: LogFields = {}) => {
      if (rank[level] < threshold) return;
      const span = trace.getActiveSpan()?.spanContext();
      const line: LogFields = {
        time: new Date().toISOString(),
        level,
        service: options.service,
        msg,
        ...(span ? { trace_id: span.traceId, span_id: span.spanId } : {}),
        ...serialize(bound),
        ...serialize(fields),
      };
      write(`${JSON.stringify(line)}\n`);
    };
    return {
      debug: (msg, fields) => log('debug', msg, fields),
      info: (msg, fields) => log('info', msg, fields),
      warn: (msg, fields) => log('warn', msg, fields),
      error: (msg, fields) => log('error', msg, fields),
      child: (fields) => make({ ...bound, ...fields }),
    };
  };
  return make({});
}
