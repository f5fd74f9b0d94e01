import { RowBinaryWriter, chunksOf, type RowBytes } from './row-binary';

const hex = ({ buffer, start, end }: RowBytes) => buffer.toString('hex', start, end);

it('writes RowBinary values: little-endian numbers, LEB128 lengths, strings as bytes', () => {
  const out = new RowBinaryWriter();
  const nan = Buffer.alloc(8);
  nan.writeDoubleLE(Number.NaN);
  out.begin();
  out.varint(300);
  out.uint8(2);
  out.uint16(0x1234);
  out.uint32(0x89abcdef);
  out.float64(Number.NaN);
  out.string(Buffer.from('xhéy'), 1, 4); // 'hé'
  expect(hex(out.end())).toBe(
    ['ac02', '02', '3412', 'efcdab89', nan.toString('hex'), '03', '68c3a9'].join(''),
  );
});

it('keeps every row where it was when a row outgrows its buffer', () => {
  const out = new RowBinaryWriter();
  const big = Buffer.alloc(300_000, 'a');
  const rows: RowBytes[] = [];
  for (let i = 0; i < 10; i += 1) {
    out.begin();
    out.uint32(i);
    out.string(big, 0, big.length - i);
    rows.push(out.end());
  }
  rows.forEach((row, i) => {
    expect(row.buffer.readUInt32LE(row.start)).toBe(i);
    expect(row.end - row.start).toBe(4 + 3 + big.length - i);
    expect(row.buffer[row.end - 1]).toBe(0x61);
  });
  // Three rows of about 300 kB fit in a buffer of 1 MB; the fourth moved to a new one.
  expect(new Set(rows.map((row) => row.buffer)).size).toBeGreaterThan(1);
});

it('sends adjacent rows as one chunk, and the others as they are, in order', () => {
  const [a, b] = [Buffer.from('0123456789'), Buffer.from('abcdef')];
  const rows = [
    { buffer: a, start: 0, end: 2 },
    { buffer: a, start: 2, end: 5 },
    { buffer: b, start: 0, end: 3 },
    { buffer: a, start: 6, end: 8 },
    { buffer: a, start: 8, end: 10 },
  ];
  expect(chunksOf(rows).map(String)).toEqual(['01234', 'abc', '6789']);
  expect(chunksOf([])).toEqual([]);
});
