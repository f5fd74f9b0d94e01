import { MonitorDefinitionError, checkAgainstManifest, parseMonitors } from './monitor';

const problems = (json: unknown): string[] => {
  try {
    parseMonitors(json);
  } catch (error) {
    if (error instanceof MonitorDefinitionError) return [...error.problems];
    throw error;
  }
  return [];
};

describe('parseMonitors', () => {
  it('fills defaults: hourly windows, 2-window hysteresis, library thresholds', () => {
    const [m] = parseMonitors([{ name: 'bc', model: 'breast-cancer', referenceVersion: '1' }]);
    expect(m).toMatchObject({
      windowSeconds: 3600,
      alertAfter: 2,
      clearAfter: 2,
      minSampleSize: 30,
      numericDistance: 'wasserstein_normed',
      thresholds: { pValue: 0.05, wassersteinNormed: 0.1, psi: 0.2, jensenShannon: 0.1 },
      alerts: { kafka: true, minSeverity: 'warning' },
    });
  });

  it('names every bad field with its path and reason', () => {
    expect(
      problems({
        monitors: [
          {
            name: 'Bad Name',
            model: 'bc',
            referenceVersion: '1',
            windowSeconds: 10,
            thresholds: { psi: -1, typo: 1 },
            alerts: { webhookUrl: 'ftp://x' },
          },
        ],
      }),
    ).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^monitors\[0\]\.thresholds\.typo: is not a threshold/),
        expect.stringMatching(/^monitors\[0\]\.name: must match/),
        expect.stringMatching(
          /^monitors\[0\]\.windowSeconds: must be an integer in \[60, 604800\], got 10/,
        ),
        expect.stringMatching(
          /^monitors\[0\]\.thresholds\.psi: must be a number in \[0, 100\], got -1/,
        ),
        'monitors[0].alerts.webhookUrl: must be an http(s) URL',
      ]),
    );
  });

  it('refuses unknown settings and repeated names', () => {
    const m = { name: 'a', model: 'm', referenceVersion: '1' };
    expect(problems([m, { ...m, windowSize: 5 }])).toEqual([
      expect.stringMatching(/^monitors\[1\]\.windowSize: is not a monitor setting/),
    ]);
    expect(problems([m, m])).toEqual(['monitors: the name "a" repeats']);
    expect(problems('x')).toEqual(['monitors: must be an array of monitor definitions']);
  });
});

describe('checkAgainstManifest', () => {
  const declared = [
    { name: 'age', type: 'numeric' as const },
    { name: 'city', type: 'categorical' as const },
  ];
  it('takes the types from the manifest and names an unknown feature', () => {
    const [m] = parseMonitors([
      { name: 'a', model: 'm', referenceVersion: '1', features: ['city'] },
    ]);
    expect(checkAgainstManifest(m!, declared)).toEqual([{ name: 'city', type: 'categorical' }]);
    const [bad] = parseMonitors([
      { name: 'a', model: 'm', referenceVersion: '1', features: ['zip'] },
    ]);
    expect(() => checkAgainstManifest(bad!, declared)).toThrow(
      'a.features[0]: "zip" is not a feature of m version 1',
    );
  });
});
