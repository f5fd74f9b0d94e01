import { timestampDate, type Timestamp } from '@bufbuild/protobuf/wkt';

/** "2025-03-01 14:02:11Z": UTC, to the second, the same on every machine. */
export function formatTime(time: Timestamp | Date | undefined): string {
  if (!time) return '';
  return (time instanceof Date ? time : timestampDate(time))
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}
