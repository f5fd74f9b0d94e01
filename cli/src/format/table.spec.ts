import { formatTable } from './table';

interface Row {
  model: string;
  generation: number | bigint;
  note?: string;
}

const columns = [
  { header: 'MODEL', value: (r: Row) => r.model },
  { header: 'GEN', value: (r: Row) => r.generation },
  { header: 'NOTE', value: (r: Row) => r.note },
];

describe('formatTable', () => {
  it('pads columns to the widest cell, numbers to the right, without trailing spaces', () => {
    const rows: Row[] = [
      { model: 'breast-cancer', generation: 12n, note: 'canary' },
      { model: 'wine', generation: 3 },
    ];
    expect(formatTable(rows, columns)).toBe(
      'MODEL          GEN  NOTE\n' + 'breast-cancer   12  canary\n' + 'wine             3\n',
    );
  });

  it('is the header alone without rows', () => {
    expect(formatTable([], columns)).toBe('MODEL  GEN  NOTE\n');
  });

  it('keeps one line per row when a cell has line breaks', () => {
    expect(formatTable([{ model: 'a\nb', generation: 1 }], columns)).toBe(
      'MODEL  GEN  NOTE\na b      1\n',
    );
  });

  it('aligns a column as told, and mixed columns to the left', () => {
    const table = formatTable(
      [
        { k: 'x', v: '-' as string | number },
        { k: 'yy', v: 10 },
      ],
      [
        { header: 'K', value: (r) => r.k, align: 'right' },
        { header: 'V', value: (r) => r.v },
      ],
    );
    expect(table).toBe(' K  V\n x  -\nyy  10\n');
  });
});
