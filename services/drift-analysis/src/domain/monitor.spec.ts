import {
  MonitorDefinitionError,
  checkAgainstManifest,
  manifestVersion,
  parseMonitors,
} from './monitor';

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
            windowSeconds: 1.5,
            outcomeLookbackSeconds: -1,
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
          /^monitors\[0\]\.windowSeconds: must be an integer in \[1, 604800\], got 1.5/,
        ),
        expect.stringMatching(
          /^monitors\[0\]\.outcomeLookbackSeconds: must be an integer in \[0, 2592000\], got -1/,
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

describe('a past window as the reference', () => {
  const window = { from: '2026-11-01T00:00:00.000Z', to: '2026-11-02T00:00:00+00:00' };

  it('reads the window, and takes the manifest from the traffic version, else referenceVersion', () => {
    const [m, n] = parseMonitors([
      { name: 'a', model: 'm', trafficVersion: '2', reference: { window } },
      { name: 'b', model: 'm', referenceVersion: '1', reference: { window } },
    ]);
    expect(m!.reference).toEqual({
      window: { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-11-02T00:00:00Z') },
    });
    expect(m!.referenceVersion).toBeUndefined();
    expect([manifestVersion(m!), manifestVersion(n!)]).toEqual(['2', '1']);
    const [v] = parseMonitors([
      { name: 'c', model: 'm', referenceVersion: '1', trafficVersion: '2' },
    ]);
    expect(manifestVersion(v!)).toBe('1');
  });

  it('names the bad field of a window', () => {
    const at = (reference: unknown, extra: object = { trafficVersion: '1' }) =>
      problems([{ name: 'a', model: 'm', ...extra, reference }]);
    expect(at({ window: { from: window.to, to: window.from } })).toEqual([
      'monitors[0].reference.window.to: must be after from (2026-11-02T00:00:00.000Z)',
    ]);
    expect(at({ window: { from: '2026-11-01', to: window.to, size: 1 } })).toEqual([
      'monitors[0].reference.window.size: is not a window setting (from, to)',
      expect.stringMatching(
        /^monitors\[0\]\.reference\.window\.from: must be an ISO 8601 time in whole seconds with a zone, .* got "2026-11-01"$/,
      ),
    ]);
    expect(at({ window: { from: '2026-13-01T00:00:00Z', to: '2026-11-01T00:00:00.5Z' } })).toEqual([
      expect.stringMatching(/^monitors\[0\]\.reference\.window\.from: must be an ISO 8601/),
      expect.stringMatching(/^monitors\[0\]\.reference\.window\.to: must be an ISO 8601/),
    ]);
    expect(at({ version: '1' })).toEqual([
      'monitors[0].reference.version: is not a reference setting (window)',
      'monitors[0].reference.window: must be an object with "from" and "to"',
    ]);
  });

  it('needs a reference, and a version to take the features from', () => {
    expect(problems([{ name: 'a', model: 'm' }])).toEqual([
      'monitors[0].referenceVersion: is required unless reference.window names the reference',
    ]);
    expect(problems([{ name: 'a', model: 'm', reference: { window } }])).toEqual([
      expect.stringMatching(/^monitors\[0\]\.trafficVersion: is required with reference\.window/),
    ]);
    expect(
      problems([
        {
          name: 'a',
          model: 'm',
          referenceVersion: '1',
          trafficVersion: '2',
          reference: { window },
        },
      ]),
    ).toEqual([expect.stringMatching(/^monitors\[0\]\.referenceVersion: is not used with/)]);
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
