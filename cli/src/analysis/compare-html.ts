/**
 * The self-contained HTML report of a drift comparison: no network, no external
 * script. The report document is embedded as JSON; an inline script draws one SVG bar
 * chart per feature (reference vs current share per PSI bin or category), so the file
 * opened anywhere shows the charts, and a headless browser can check they were drawn.
 * The tables are static HTML, readable even with scripts off.
 */
import type { CompareReport, FeatureReport } from './compare';
import type { MethodEntry } from './methods';
import { formatNumber, formatPercent } from './numbers';

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

function methodValue(entry: MethodEntry): string {
  if (entry.verdict === 'insufficient_data') return escapeHtml(entry.reason ?? '');
  const parts: string[] = [];
  for (const key of ['statistic', 'p_value', 'value']) {
    const value = entry[key];
    if (typeof value === 'number') parts.push(`${key} ${formatNumber(value)}`);
  }
  return escapeHtml(parts.join(', '));
}

function methodRows(feature: FeatureReport): string {
  return Object.entries(feature.methods)
    .map(([name, entry]) => {
      const mark = name === feature.default_method ? ' (default)' : '';
      return `<tr class="${entry.verdict}"><td>${name}${mark}</td><td>${methodValue(entry)}</td><td>${formatNumber(entry.threshold)}</td><td>${entry.verdict}</td></tr>`;
    })
    .join('');
}

function featureSection(feature: FeatureReport, index: number): string {
  const q = (w: FeatureReport['reference']): string =>
    `${w.values} values, ${w.missing} missing (${formatPercent(w.missing_rate)})${w.non_finite > 0 ? `, ${w.non_finite} ±Infinity` : ''}`;
  return `<section class="feature ${feature.status}" data-feature="${escapeHtml(feature.name)}">
<h2>${escapeHtml(feature.name)} <small>${feature.type}, ${feature.status.replace('_', ' ')}</small></h2>
<p>reference: ${q(feature.reference)}; current: ${q(feature.current)}</p>
<div class="chart" data-index="${index}"></div>
<table><thead><tr><th>method</th><th>value</th><th>threshold</th><th>verdict</th></tr></thead><tbody>${methodRows(feature)}</tbody></table>
</section>`;
}

/** Draws the charts from the embedded report; runs in the browser, so plain ES2017. */
const DRAW_SCRIPT = `
(function () {
  var report = JSON.parse(document.getElementById('report-data').textContent);
  var NS = 'http://www.w3.org/2000/svg';
  var W = 760, H = 260, LEFT = 48, RIGHT = 60, BOTTOM = 70, TOP = 12;
  function el(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    parent.appendChild(node);
    return node;
  }
  function fmt(x) { return Math.abs(x) >= 1e4 || (x !== 0 && Math.abs(x) < 1e-2) ? x.toExponential(1) : String(+x.toPrecision(3)); }
  function labels(h) {
    if (h.kind === 'categories') return h.labels;
    var bounds = [h.range[0]].concat(h.edges, [h.range[1]]);
    var last = h.reference_counts.length - 1;
    return h.reference_counts.map(function (_, i) { return '[' + fmt(bounds[i]) + ', ' + fmt(bounds[i + 1]) + (i === last ? ']' : ')'); });
  }
  function shares(counts) {
    var total = counts.reduce(function (a, b) { return a + b; }, 0) || 1;
    return counts.map(function (c) { return c / total; });
  }
  document.querySelectorAll('.chart').forEach(function (div) {
    var feature = report.features[Number(div.getAttribute('data-index'))];
    var h = feature.histogram;
    if (!h) { div.textContent = 'no values to draw'; return; }
    var ref = shares(h.reference_counts), cur = shares(h.current_counts), names = labels(h);
    var top = Math.max.apply(null, ref.concat(cur)) || 1;
    var svg = el('svg', { width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, role: 'img' }, div);
    var plotH = H - BOTTOM - TOP, slot = (W - LEFT - RIGHT) / names.length, bar = slot * 0.4;
    el('line', { x1: LEFT, y1: TOP + plotH, x2: W - RIGHT, y2: TOP + plotH, class: 'axis' }, svg);
    [0, 0.5, 1].forEach(function (t) {
      var y = TOP + plotH * (1 - t);
      el('text', { x: LEFT - 4, y: y + 4, 'text-anchor': 'end', class: 'tick' }, svg).textContent = (top * t * 100).toFixed(0) + '%';
    });
    names.forEach(function (name, i) {
      var x = LEFT + i * slot + slot * 0.1;
      [[ref[i], 'reference', 0], [cur[i], 'current', bar]].forEach(function (b) {
        var hgt = plotH * b[0] / top;
        var rect = el('rect', { x: x + b[2], y: TOP + plotH - hgt, width: bar, height: hgt, class: 'bar ' + b[1] }, svg);
        el('title', {}, rect).textContent = b[1] + ' ' + name + ': ' + (b[0] * 100).toFixed(1) + '%';
      });
      var lx = x + bar, ly = TOP + plotH + 10;
      el('text', { x: lx, y: ly, transform: 'rotate(35 ' + lx + ' ' + ly + ')', class: 'label' }, svg).textContent = name;
    });
    div.setAttribute('data-bars', String(names.length * 2));
  });
})();
`;

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
section.feature { border-top: 1px solid #ddd; padding-top: 8px; margin-top: 16px; }
section.drift h2 small { color: #b00020; }
h2 small { font-weight: normal; color: #555; }
table { border-collapse: collapse; } td, th { padding: 2px 10px; text-align: left; }
tr.drift td:last-child { color: #b00020; font-weight: bold; }
.bar.reference { fill: #7a9cc6; } .bar.current { fill: #e39b4b; }
.axis { stroke: #888; } .tick, .label { font-size: 11px; fill: #444; }
.legend span { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 12px; }
`;

/** The report as one HTML document. */
export function renderCompareHtml(report: CompareReport): string {
  const { summary } = report;
  // '<' escaped so no value can close the script element.
  const data = JSON.stringify(report).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Ballast drift report</title>
<style>${STYLE}</style></head><body>
<h1>Drift report</h1>
<p>reference <code>${escapeHtml(summary.reference.file)}</code> (${summary.reference.rows} rows) vs current <code>${escapeHtml(summary.current.file)}</code> (${summary.current.rows} rows):
<strong>${summary.drifted} of ${summary.features_compared}</strong> feature(s) drifted${summary.drifted > 0 ? ` (${escapeHtml(summary.drifted_features.join(', '))})` : ''}.</p>
${summary.only_in_reference.length > 0 ? `<p>Only in reference, not compared: ${escapeHtml(summary.only_in_reference.join(', '))}</p>` : ''}
${summary.only_in_current.length > 0 ? `<p>Only in current, not compared: ${escapeHtml(summary.only_in_current.join(', '))}</p>` : ''}
<p class="legend"><span class="bar reference" style="background:#7a9cc6"></span>reference<span style="background:#e39b4b"></span>current (share of each window's values)</p>
${report.features.map(featureSection).join('\n')}
<script type="application/json" id="report-data">${data}</script>
<script>${DRAW_SCRIPT}</script>
</body></html>
`;
}
