/**
 * The shell of the CLI's self-contained HTML reports: no network, the report's data
 * inline as JSON (`data` in the page's script), and an inline script that draws
 * charts as SVG with `el(parent, name, attrs, text)`.
 */

export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** JSON inside <script>: no `</script>` or `<!--` can close it early. */
const scriptJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

// Runs in the browser before the page's own drawing code: plain ES2017, no imports.
const DRAW_PRELUDE = `
const data = JSON.parse(document.getElementById('report-data').textContent);
const NS = 'http://www.w3.org/2000/svg';
function el(parent, name, attrs, text) {
  const node = document.createElementNS(NS, name);
  for (const k in attrs) node.setAttribute(k, attrs[k]);
  if (text !== undefined) node.textContent = text;
  parent.appendChild(node);
  return node;
}
`;

/** A whole HTML page; `title` is text, `style`, `body` and `draw` are markup and code. */
export function htmlPage(page: {
  title: string;
  style: string;
  body: string;
  data: unknown;
  draw: string;
}): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(page.title)}</title>
<style>${page.style}</style></head>
<body>
${page.body}
<script type="application/json" id="report-data">${scriptJson(page.data)}</script>
<script>${DRAW_PRELUDE}${page.draw}</script>
</body></html>
`;
}
