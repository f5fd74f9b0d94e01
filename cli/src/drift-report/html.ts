/**
 * The self-contained HTML report of `ballast drift report --html`: no network, the
 * data inline as JSON and a small inline script that draws, per feature, the
 * reference and the latest window as histograms (shares per bin, so that windows of
 * any size compare) and the model's status over the windows, as inline SVG.
 */
import { GetDriftReportResponseSchema, type GetDriftReportResponse } from '@ballast/contracts';
import { toJson } from '@bufbuild/protobuf';
import { escapeHtml, htmlPage } from '../format/html-page';
import { reportText } from './text';

// Runs in the browser after the page prelude (`data`, `NS`, `el`): plain ES2017, no imports.
const DRAW = `
const W = 640, H = 200, PAD = 40;
function shares(counts) {
  const total = counts.reduce((a, b) => a + b, 0) || 1;
  return counts.map((c) => c / total);
}
for (const h of data.histograms || []) {
  const svg = document.querySelector('section[data-feature="' + CSS.escape(h.feature) + '"] svg');
  if (!svg) continue;
  const ref = shares(h.reference || []), cur = shares(h.current || []);
  const n = Math.max(ref.length, cur.length);
  const top = Math.max(...ref, ...cur, 1e-9);
  const bw = (W - 2 * PAD) / Math.max(n, 1);
  el(svg, 'line', { x1: PAD, y1: H - PAD, x2: W - PAD, y2: H - PAD, stroke: '#444' });
  for (let i = 0; i < n; i++) {
    const x = PAD + i * bw;
    const hr = ((ref[i] || 0) / top) * (H - 2 * PAD), hc = ((cur[i] || 0) / top) * (H - 2 * PAD);
    el(svg, 'rect', { class: 'ref-bar', x: x, y: H - PAD - hr, width: bw * 0.5, height: hr });
    el(svg, 'rect', { class: 'cur-bar', x: x + bw * 0.5, y: H - PAD - hc, width: bw * 0.5, height: hc });
  }
  const labels = (h.labels && h.labels.length) ? [h.labels[0], h.labels[h.labels.length - 1]]
    : [h.edges && h.edges.length ? Number(h.edges[0]).toPrecision(3) : '', h.edges && h.edges.length ? Number(h.edges[h.edges.length - 1]).toPrecision(3) : ''];
  el(svg, 'text', { x: PAD, y: H - PAD + 16 }, String(labels[0]));
  el(svg, 'text', { x: W - PAD, y: H - PAD + 16, 'text-anchor': 'end' }, String(labels[1]));
}
const tl = document.getElementById('timeline');
const points = data.timeline || [];
const LEVEL = { ok: 0, warning: 1, alert: 2 };
el(tl, 'line', { x1: PAD, y1: H - PAD, x2: W - PAD, y2: H - PAD, stroke: '#444' });
['ok', 'warning', 'alert'].forEach((s, i) => el(tl, 'text', { x: 4, y: H - PAD - i * (H - 2 * PAD) / 2 + 4 }, s));
points.forEach((p, i) => {
  const x = PAD + (points.length > 1 ? (i / (points.length - 1)) * (W - 2 * PAD) : (W - 2 * PAD) / 2);
  const y = H - PAD - (LEVEL[p.status] || 0) * (H - 2 * PAD) / 2;
  el(tl, 'circle', { class: 'window status-' + p.status, cx: x, cy: y, r: 5 }).appendChild(
    document.createElementNS(NS, 'title')).textContent = p.windowStart + ': ' + p.status + ', ' + (p.driftedFeatures || 0) + ' drifted';
});
`;

export function renderDriftHtml(response: GetDriftReportResponse): string {
  const json = toJson(GetDriftReportResponseSchema, response);
  const sections = response.histograms
    .map(
      (h) => `<section data-feature="${escapeHtml(h.feature)}"><h2>${escapeHtml(h.feature)}</h2>
<svg viewBox="0 0 640 200" width="640" height="200" role="img" aria-label="reference and current histogram of ${escapeHtml(h.feature)}"></svg></section>`,
    )
    .join('\n');
  return htmlPage({
    title: `Drift report: ${response.model}`,
    style: `
body { font: 14px system-ui, sans-serif; margin: 2em; color: #222; }
pre { background: #f6f6f6; padding: 1em; overflow-x: auto; }
svg text { font-size: 11px; fill: #444; }
.ref-bar { fill: #9bb7d4; } .cur-bar { fill: #d47f6a; }
.status-ok { fill: #4a9; } .status-warning { fill: #e0a030; } .status-alert { fill: #c33; }
`,
    body: `<h1>Drift report: ${escapeHtml(response.model)}</h1>
<p>Bars: <span style="color:#5a7fa8">reference</span> and <span style="color:#b0503a">latest window</span>, share of values per bin.</p>
<h2>Status by window</h2>
<svg id="timeline" viewBox="0 0 640 200" width="640" height="200" role="img" aria-label="model status by window"></svg>
${sections}
<h2>Results</h2>
<pre>${escapeHtml(reportText(response))}</pre>`,
    data: json,
    draw: DRAW,
  });
}
