/**
 * The self-contained HTML report of `ballast experiment report --html`: no network,
 * the data inline as JSON and a small inline script that draws, per metric, the
 * treatments' lift with its confidence interval and the effect over the looks (from
 * experiment_results) as inline SVG. Relative lift when the service has it, else the
 * absolute lift.
 */
import {
  GetExperimentReportResponseSchema,
  type GetExperimentReportResponse,
} from '@ballast/contracts';
import { toJson } from '@bufbuild/protobuf';
import { escapeHtml, htmlPage } from '../format/html-page';
import { reportText } from './text';

// Runs in the browser after the page prelude (`data`, `NS`, `el`): plain ES2017, no imports.
// Draws into each section's two <svg>s.
const DRAW = `
const W = 640, H = 220, PAD = 48;
function scale(lo, hi, a, b) {
  if (hi === lo) { lo -= 1; hi += 1; }
  return (x) => a + ((x - lo) / (hi - lo)) * (b - a);
}
function pick(c) {
  if (c.relative) return { kind: 'relative', i: c.relative };
  return c.absolute ? { kind: 'absolute', i: c.absolute } : null;
}
function drawLift(svg, metric) {
  const rows = metric.variants.filter((v) => v.comparison && v.comparison.status === 'ok')
    .map((v) => ({ name: v.variant, p: pick(v.comparison) })).filter((r) => r.p);
  if (rows.length === 0) { el(svg, 'text', { x: PAD, y: 30 }, 'no comparison yet'); return; }
  const lo = Math.min(0, ...rows.map((r) => r.p.i.lower)), hi = Math.max(0, ...rows.map((r) => r.p.i.upper));
  const x = scale(lo, hi, PAD * 2, W - PAD);
  el(svg, 'line', { class: 'zero', x1: x(0), x2: x(0), y1: 10, y2: H - 20, stroke: '#888' });
  rows.forEach((r, k) => {
    const y = 30 + k * 30;
    el(svg, 'text', { x: 4, y: y + 4 }, r.name);
    el(svg, 'line', { class: 'ci', x1: x(r.p.i.lower), x2: x(r.p.i.upper), y1: y, y2: y, stroke: '#1f77b4', 'stroke-width': 3 });
    el(svg, 'circle', { class: 'estimate', cx: x(r.p.i.estimate), cy: y, r: 5, fill: '#d62728' });
    el(svg, 'text', { x: x(r.p.i.upper) + 6, y: y + 4 }, r.p.kind + ' ' + r.p.i.estimate.toPrecision(3));
  });
}
function drawTimeline(svg, metric) {
  const points = data.timeline.filter((t) => t.metric === metric.metric);
  const rel = points.some((t) => t.relativeLift !== undefined);
  const get = (t) => rel ? [t.relativeLift, t.relativeLiftLower, t.relativeLiftUpper] : [t.lift, t.liftLower, t.liftUpper];
  const usable = points.filter((t) => get(t).every((v) => typeof v === 'number'));
  if (usable.length === 0) { el(svg, 'text', { x: PAD, y: 30 }, 'no looks yet'); return; }
  const times = usable.map((t) => Date.parse(t.computedTime));
  const values = usable.flatMap(get).concat([0]);
  const x = scale(Math.min(...times), Math.max(...times), PAD, W - PAD);
  const y = scale(Math.min(...values), Math.max(...values), H - 20, 10);
  el(svg, 'line', { class: 'zero', x1: PAD, x2: W - PAD, y1: y(0), y2: y(0), stroke: '#888' });
  const colors = ['#1f77b4', '#2ca02c', '#9467bd', '#ff7f0e'];
  [...new Set(usable.map((t) => t.variant))].forEach((variant, k) => {
    const mine = usable.filter((t) => t.variant === variant);
    const at = (t) => x(Date.parse(t.computedTime));
    const band = mine.map((t) => at(t) + ',' + y(get(t)[2])).concat(mine.slice().reverse().map((t) => at(t) + ',' + y(get(t)[1])));
    el(svg, 'polygon', { class: 'effect-band', points: band.join(' '), fill: colors[k % 4], 'fill-opacity': 0.2 });
    el(svg, 'polyline', { class: 'effect-line', points: mine.map((t) => at(t) + ',' + y(get(t)[0])).join(' '), fill: 'none', stroke: colors[k % 4], 'stroke-width': 2 });
    mine.forEach((t) => el(svg, 'circle', { class: 'look', cx: at(t), cy: y(get(t)[0]), r: 3, fill: colors[k % 4] }));
    el(svg, 'text', { x: W - PAD + 4, y: y(get(mine[mine.length - 1])[0]) }, variant);
  });
  el(svg, 'text', { x: PAD, y: H - 4 }, (rel ? 'relative' : 'absolute') + ' lift per look, ' + usable.length + ' points');
}
for (const section of document.querySelectorAll('section[data-metric]')) {
  const metric = data.report.metrics.find((m) => m.metric === section.dataset.metric);
  drawLift(section.querySelector('svg.lift'), metric);
  drawTimeline(section.querySelector('svg.timeline'), metric);
}
`;

export function renderReportHtml(response: GetExperimentReportResponse): string {
  const report = response.report;
  const json = toJson(GetExperimentReportResponseSchema, response);
  const sections = (report?.metrics ?? [])
    .map(
      (m) => `<section data-metric="${escapeHtml(m.metric)}">
<h2>${escapeHtml(m.metric)} <small>${escapeHtml(m.kind)}, goal ${escapeHtml(m.goal)}</small></h2>
<h3>Lift and confidence interval</h3>
<svg class="lift" width="640" height="220" viewBox="0 0 640 220"></svg>
<h3>Cumulative effect over time</h3>
<svg class="timeline" width="640" height="220" viewBox="0 0 640 220"></svg>
</section>`,
    )
    .join('\n');
  const title = `Experiment ${report?.experimentId ?? ''}`;
  return htmlPage({
    title,
    style:
      'body{font-family:sans-serif;margin:2em}pre{background:#f6f6f6;padding:1em;overflow:auto}svg{border:1px solid #ddd;font-size:11px}',
    body: `<h1>${escapeHtml(title)}</h1>
<pre>${escapeHtml(reportText(response))}</pre>
${sections}`,
    data: json,
    draw: DRAW,
  });
}
