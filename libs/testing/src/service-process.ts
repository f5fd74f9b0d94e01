import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

export interface ServiceProcessOptions {
  /** The built entry point, e.g. services/inference/dist/main.js (relative to the repo root). */
  entry: string;
  env?: Record<string, string>;
  /** The `msg` of the JSON log line that says the service is ready. */
  readyMessage: string;
  timeoutMs?: number;
}

/** One JSON log line of a service. */
export type LogLine = Record<string, unknown> & { msg?: string; level?: string };

/**
 * A Ballast service run as a real process (with the tracing preload, as `npm start`
 * runs it), for tests that exercise it over the network and can kill it. Its JSON
 * log lines are kept; `ready` is the line that announced readiness (ports and so on).
 */
export class ServiceProcess {
  readonly logs: LogLine[] = [];
  private exited: Promise<string>;

  private constructor(
    readonly child: ChildProcess,
    readonly ready: LogLine,
  ) {
    this.exited = new Promise((resolve) => {
      const describe = (code: number | null, signal: string | null) =>
        signal ?? `exit ${String(code)}`;
      if (child.exitCode !== null || child.signalCode !== null)
        resolve(describe(child.exitCode, child.signalCode));
      else child.once('exit', (code, signal) => resolve(describe(code, signal)));
    });
  }

  static start(options: ServiceProcessOptions): Promise<ServiceProcess> {
    const root = path.resolve(__dirname, '../../..');
    const child = spawn(
      process.execPath,
      ['--require', '@ballast/telemetry/preload', path.join(root, options.entry)],
      {
        cwd: root,
        env: { ...process.env, NODE_ENV: 'development', ...options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const logs: LogLine[] = [];
    let stderr = '';
    let buffered = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${options.entry} not ready in time; stderr: ${stderr}`));
      }, options.timeoutMs ?? 30_000);
      let service: ServiceProcess | undefined;
      child.stdout?.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const text of lines) {
          let line: LogLine;
          try {
            line = JSON.parse(text) as LogLine;
          } catch {
            continue;
          }
          (service?.logs ?? logs).push(line);
          if (!service && line.msg === options.readyMessage) {
            clearTimeout(timer);
            service = new ServiceProcess(child, line);
            service.logs.push(...logs);
            resolve(service);
          }
        }
      });
      child.once('exit', (code) => {
        if (service) return;
        clearTimeout(timer);
        reject(new Error(`${options.entry} exited with ${code} before it was ready: ${stderr}`));
      });
    });
  }

  /**
   * Sends SIGTERM and waits for the process to exit; returns how it ended: `exit N`,
   * or the signal's name (NestJS re-raises the signal once its shutdown hooks ran).
   */
  async stop(): Promise<string> {
    this.child.kill('SIGTERM');
    return this.exited;
  }

  /** Log lines with this message. */
  logged(msg: string): LogLine[] {
    return this.logs.filter((line) => line.msg === msg);
  }
}
