import { appendFile, mkdtemp, readFile, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createLogger } from '@ballast/telemetry';
import { DiskSpool, type DiskSpoolOptions } from './disk-spool';

const lines: string[] = [];
const logger = createLogger({ service: 'spool-test', level: 'warn', write: (l) => lines.push(l) });
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ballast-spool-'));
  lines.length = 0;
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const open = (options: Partial<DiskSpoolOptions> = {}) =>
  DiskSpool.open({ dir, maxBytes: 1024 * 1024, segmentBytes: 1024, logger, ...options });

const message = (i: number) => ({
  topic: i % 2 ? 'ballast.outcomes.v1' : 'ballast.predictions.v1',
  key: i % 3 ? `unit-${i}` : null,
  value: Buffer.from(`event-${i}`),
  headers: { traceparent: `00-${String(i).padStart(32, '0')}-0000000000000001-01` },
});

/** Reads and commits everything, returning the values in the order read. */
async function drain(spool: DiskSpool, maxMessages = 7): Promise<string[]> {
  const values: string[] = [];
  for (let batch = await spool.read({ maxMessages, maxBytes: 512 }); batch;) {
    values.push(...batch.messages.map((m) => m.value.toString()));
    await spool.commit(batch.end);
    batch = await spool.read({ maxMessages, maxBytes: 512 });
  }
  return values;
}

const segments = async () => (await readdir(dir)).filter((f) => f.endsWith('.seg')).sort();

describe('DiskSpool', () => {
  it('gives back every message whole, oldest first, across segments, and deletes them once delivered', async () => {
    const spool = await open();
    for (let i = 0; i < 100; i++) expect(spool.append(message(i))).toBe(true);
    const batch = await spool.read({ maxMessages: 3, maxBytes: 4096 });
    expect(batch?.messages).toEqual(
      [0, 1, 2].map((i) => ({
        ...message(i),
        key: message(i).key === null ? null : Buffer.from(message(i).key as string),
        headers: { traceparent: Buffer.from(message(i).headers.traceparent) },
      })),
    );
    expect((await segments()).length).toBeGreaterThan(3);
    await spool.commit(batch!.end);
    expect(await drain(spool)).toEqual(Array.from({ length: 97 }, (_, i) => `event-${i + 3}`));
    expect(spool.isEmpty).toBe(true);
    expect(spool.bytes).toBe(0);
    expect(await segments()).toEqual([]);
    await spool.close();
  });

  it('reads messages appended while it is being replayed after the earlier ones', async () => {
    const spool = await open();
    spool.append(message(0));
    const first = await spool.read({ maxMessages: 10, maxBytes: 4096 });
    spool.append(message(1));
    await spool.commit(first!.end);
    expect(first!.messages.map((m) => m.value.toString())).toEqual(['event-0']);
    expect(await drain(spool)).toEqual(['event-1']);
    await spool.close();
  });

  it('refuses what would take it past its bound, and takes more once segments are delivered', async () => {
    const spool = await open({ maxBytes: 4096 });
    let accepted = 0;
    while (spool.append(message(accepted))) accepted += 1;
    expect(accepted).toBeGreaterThan(10);
    expect(spool.bytes).toBeLessThanOrEqual(4096);
    const batch = await spool.read({ maxMessages: 1_000, maxBytes: 4096 });
    await spool.commit(batch!.end);
    expect(spool.append(message(0))).toBe(true);
    await spool.close();
    expect(spool.append(message(1))).toBe(false);
  });

  it('survives a restart: the next process resumes after what was delivered', async () => {
    const first = await open();
    for (let i = 0; i < 20; i++) first.append(message(i));
    const batch = await first.read({ maxMessages: 5, maxBytes: 4096 });
    await first.commit(batch!.end);
    await first.close();

    const second = await open();
    expect(second.isEmpty).toBe(false);
    second.append(message(20));
    expect(await drain(second)).toEqual(Array.from({ length: 16 }, (_, i) => `event-${i + 5}`));
    await second.close();
  });

  it('after a restart on a spool it had emptied, gives back new messages whole (the old cursor is stale)', async () => {
    const first = await open({ segmentBytes: 64 * 1024 });
    for (let i = 0; i < 20; i++) first.append(message(i));
    // Delivered in two steps: the first leaves a cursor inside segment 1, the second deletes it.
    const partly = await first.read({ maxMessages: 10, maxBytes: 64 * 1024 });
    await first.commit(partly!.end);
    expect(await drain(first, 100)).toHaveLength(10);
    await first.close();
    expect(await segments()).toEqual([]);

    const next = await open({ segmentBytes: 64 * 1024 });
    for (let i = 100; i < 130; i++) next.append(message(i));
    expect(await drain(next)).toEqual(Array.from({ length: 30 }, (_, i) => `event-${i + 100}`));
    expect(lines).toEqual([]);
    await next.close();
  });

  it('skips a torn last record after a crash and keeps the records before it', async () => {
    const spool = await open({ segmentBytes: 1024 * 1024 });
    for (let i = 0; i < 5; i++) spool.append(message(i));
    await spool.close();
    const [file] = await segments();
    const full = path.join(dir, file!);
    const { length } = await readFile(full);
    // A crash in the middle of writing the last record.
    await truncate(full, length - 3);

    const reopened = await open();
    expect(await drain(reopened)).toEqual(['event-0', 'event-1', 'event-2', 'event-3']);
    expect(lines.join('\n')).toContain('the last record is incomplete');
    expect(await segments()).toEqual([]);
    reopened.append(message(9));
    expect(await drain(reopened)).toEqual(['event-9']);
    await reopened.close();
  });

  it('stops at a damaged record (checksum) and at garbage after the last record', async () => {
    const spool = await open({ segmentBytes: 1024 * 1024 });
    for (let i = 0; i < 3; i++) spool.append(message(i));
    await spool.close();
    const [file] = await segments();
    const full = path.join(dir, file!);
    const bytes = await readFile(full);
    const second = bytes.indexOf('event-1');
    bytes[second] = (bytes[second] as number) ^ 0xff;
    await writeFile(full, bytes);
    await appendFile(full, Buffer.from([0xff, 0xff, 0xff]));

    const reopened = await open();
    expect(await drain(reopened)).toEqual(['event-0']);
    expect(lines.join('\n')).toContain('checksum mismatch');
    await reopened.close();
  });

  it('ignores a damaged cursor and replays the oldest segment from its start', async () => {
    const spool = await open();
    for (let i = 0; i < 3; i++) spool.append(message(i));
    await spool.close();
    await writeFile(path.join(dir, 'cursor'), '{"segment":');
    const reopened = await open();
    expect(await drain(reopened)).toEqual(['event-0', 'event-1', 'event-2']);
    await reopened.close();
  });
});
