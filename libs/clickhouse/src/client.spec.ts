import type { ClickHouseClient } from '@clickhouse/client';
import { insertSettings } from './client';

/** A client whose every query answers `rows`, recording what it was asked. */
function answering(rows: object[]): { client: ClickHouseClient; asked: string[] } {
  const asked: string[] = [];
  const client = {
    query: async ({ query }: { query: string }) => {
      asked.push(query);
      return { json: async () => rows };
    },
  } as unknown as ClickHouseClient;
  return { client, asked };
}

describe('insertSettings', () => {
  it('lifts the partitions-per-insert limit on a server that has it', async () => {
    const { client, asked } = answering([{ n: '1' }]);
    expect(await insertSettings(client)).toEqual({ max_partitions_per_insert_block: '0' });
    expect(asked[0]).toContain("name = 'max_partitions_per_insert_block'");
  });

  it('sends no setting to a server without it (18.16 refuses unknown settings)', async () => {
    expect(await insertSettings(answering([{ n: '0' }]).client)).toEqual({});
  });
});
