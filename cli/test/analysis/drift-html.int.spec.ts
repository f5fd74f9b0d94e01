/**
 * The HTML report, rendered by headless Chromium (Debian's `chromium`): after its
 * inline script ran, every feature has its bar chart, two bars (reference, current)
 * per PSI bin or category. Skipped, with the reason logged, only when the binary is
 * absent (infra/local/install-packages.sh installs it).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CompareReport } from '../../src/analysis/compare';
import { compareFiles, useTempDir } from './run-command';

const CHROMIUM = ['chromium', 'chromium-browser'].find(
  (bin) => spawnSync(bin, ['--version'], { stdio: 'ignore' }).status === 0,
);
if (CHROMIUM === undefined) {
  console.warn(
    'drift-html.int.spec.ts skipped: no chromium binary on PATH (apt-get install chromium)',
  );
}
const withChromium = CHROMIUM === undefined ? describe.skip : describe;

/** The DOM after scripts ran. */
function dumpDom(file: string): string {
  return execFileSync(
    CHROMIUM as string,
    ['--headless', '--disable-gpu', '--no-sandbox', '--dump-dom', pathToFileURL(file).href],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 },
  );
}

/** Each feature section's name and the classes of the bars drawn in it. */
function drawnBars(dom: string): Map<string, string[]> {
  const bars = new Map<string, string[]>();
  for (const section of dom.split('<section').slice(1)) {
    const name = /data-feature="([^"]*)"/.exec(section)?.[1] as string;
    bars.set(
      name,
      [...section.matchAll(/<rect [^>]*class="bar (reference|current)"/g)].map(
        (m) => m[1] as string,
      ),
    );
  }
  return bars;
}

withChromium('drift compare --html', () => {
  const tempDir = useTempDir('ballast-html-');

  it('draws reference and current bars for every bin and category of every feature', async () => {
    const html = join(tempDir(), 'report.html');
    const result = await compareFiles({
      reference: 'small/reference.csv',
      current: 'small/current.csv',
      extra: ['--json', '--html', html],
    });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as CompareReport;
    const source = readFileSync(html, 'utf8');
    expect(source).not.toMatch(/<(script|link|img)[^>]+(src|href)=/);
    expect(source).not.toContain('<rect');

    const bars = drawnBars(dumpDom(html));
    const expected = new Map(
      report.features.map((f) => {
        const bins = f.histogram?.reference_counts.length ?? 0;
        return [f.name, Array.from({ length: bins }, () => ['reference', 'current']).flat()];
      }),
    );
    expect(bars).toEqual(expected);
    // 10 decile bins for the numeric features; device has 4 categories (tv is new).
    expect(bars.get('age')).toHaveLength(20);
    expect(bars.get('device')).toHaveLength(8);
  });
});
