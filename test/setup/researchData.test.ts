// eslint-disable-next-line @typescript-eslint/no-require-imports
const { suitesNeedingData, withoutMissingData } = require('../helpers/researchData.js') as {
  suitesNeedingData(suffix: string): string[];
  withoutMissingData(
    config: object,
    suffix: string,
  ): { testPathIgnorePatterns?: string[]; reporters?: [string, { skipped: string[] }][] };
};

describe('suites that need the research data (skipped on a clone without it)', () => {
  const environment = { ...process.env };
  afterEach(() => (process.env = { ...environment }));

  it('are those that ask for the data folder, directly or through a test helper', () => {
    const units = suitesNeedingData('.test.ts');
    expect(units).toContain('test/cli/io/readNifti.test.ts'); // calls dataRoot()
    expect(units).not.toContain('test/seg/saliencySegments.test.ts');
    expect(units).not.toContain('test/setup/demoStudies.test.ts');
    const e2e = suitesNeedingData('.spec.ts');
    expect(e2e).toContain('test/e2e/explainInViewer.spec.ts'); // through chaosLiverTruth()
    expect(e2e).toContain('test/e2e/mrAndFirstClick.spec.ts'); // through chaosMrTruth()
    expect(e2e).not.toContain('test/e2e/heatmap.spec.ts'); // the shipped demo studies only
    expect(e2e).not.toContain('test/e2e/privacy.spec.ts');
  });

  it('are skipped and named without the data, and make the run fail with XAI_CLIP_REQUIRE_DATA=1', () => {
    process.env.XAI_CLIP_DATA = '/nonexistent/research-data';
    delete process.env.XAI_CLIP_REQUIRE_DATA; // CI sets it for the whole run
    const config = withoutMissingData({ testMatch: ['**/*.test.ts'] }, '.test.ts');
    expect(config.testPathIgnorePatterns).toContain('<rootDir>/test/cli/io/readNifti.test.ts$');
    expect(config.reporters?.[1][1].skipped).toEqual(suitesNeedingData('.test.ts'));
    process.env.XAI_CLIP_REQUIRE_DATA = '1';
    expect(() => withoutMissingData({}, '.test.ts')).toThrow(
      'XAI_CLIP_REQUIRE_DATA=1 but the research data is not at /nonexistent/research-data (no README.md there).',
    );
  });
});
