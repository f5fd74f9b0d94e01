import { readFileSync } from 'node:fs';

/**
 * A process's resident memory now (VmRSS) and its peak so far (VmHWM, kept by the
 * kernel, so no sampling can miss it), in MB, from /proc.
 */
export function processMemoryMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}
