/** A cell's raw value; undefined and null print as empty. */
export type Cell = string | number | bigint | boolean | undefined | null;

/** One column: its header and how to get a row's cell. */
export interface Column<R> {
  header: string;
  value: (row: R) => Cell;
  /** Default: right when every cell of the column is a number or bigint, else left. */
  align?: 'left' | 'right';
}

const GAP = '  ';

function text(cell: Cell): string {
  if (cell === undefined || cell === null) return '';
  // A line break inside a cell would break every column after it.
  return String(cell).replace(/\s*\n\s*/g, ' ');
}

/**
 * A plain-text table: a header line and one line per row, columns separated by two
 * spaces and padded to their widest cell, no trailing spaces, ending with a newline.
 * With no rows it is the header line alone.
 *
 * @example
 * formatTable([{ model: 'wine', gen: 3 }], [
 *   { header: 'MODEL', value: (r) => r.model },
 *   { header: 'GEN', value: (r) => r.gen },
 * ]);
 * // MODEL  GEN
 * // wine     3
 */
export function formatTable<R>(rows: readonly R[], columns: readonly Column<R>[]): string {
  const raw = rows.map((row) => columns.map((column) => column.value(row)));
  const cells = raw.map((line) => line.map(text));
  const aligns = columns.map(
    (column, c) =>
      column.align ??
      (raw.length > 0 &&
      raw.every((line) => typeof line[c] === 'number' || typeof line[c] === 'bigint')
        ? 'right'
        : 'left'),
  );
  const widths = columns.map((column, c) =>
    Math.max(column.header.length, ...cells.map((line) => line[c]?.length ?? 0)),
  );
  const render = (line: readonly string[]) =>
    line
      .map((cell, c) =>
        aligns[c] === 'right' ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0),
      )
      .join(GAP)
      .trimEnd();
  return [columns.map((column) => column.header), ...cells].map(render).join('\n') + '\n';
}
