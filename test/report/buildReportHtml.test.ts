import { buildReportHtml } from '../../extension/src/report/buildReportHtml';
import { ReportContent } from '../../extension/src/report/ReportContent';
import { ExplanationReport } from '../../extension/src/runtime/reportOf';

const report: ExplanationReport = {
  model: 'chaos-ct-segformer',
  organ: 'liver',
  method: 'occlusion',
  methodOptions: { windowMm: 12, strideMm: 6 },
  scope: 'slice',
  backend: 'wasm',
  passes: 120,
  skippedPasses: 4,
  calls: 15,
  explainMs: 8400,
  slices: [43],
  roi: { source: 'clip', shape: 'mask', voxels: 5000, fraction: 0.021 },
  roiBoxes: [{ slice: 43, box: { min: [10, 20, 0], max: [60, 90, 1] } }],
  explainedTarget: { kind: 'component', index: 2, of: 3, voxels: 900, ml: 14.2 },
  targetLabel: 'liver component 2 of 3 (14.2 mL)',
  outsideRoiDrop: 0.124,
  outsideRanked: false,
  batch: { size: 8 },
  notes: ['ROI: <script>alert(1)</script> & more'],
};

const content = (extra: Partial<ReportContent> = {}): ReportContent => ({
  report,
  source: 'case "7".nii.gz',
  settings: { organ: 'liver', roi: 'clip', fill: 'min' },
  createdAt: '2026-12-05T19:00:00.000Z',
  modelCard: 'models/chaos-ct-segformer/MODEL_CARD.md',
  ...extra,
});

describe('buildReportHtml', () => {
  it('escapes every value taken from the run', () => {
    const html = buildReportHtml(content());
    expect(html).not.toContain('<script>');
    expect(html).toContain('ROI: &lt;script&gt;alert(1)&lt;/script&gt; &amp; more');
    expect(html).toContain('case &quot;7&quot;.nii.gz');
  });

  it('has the run, ROI, settings, model and notes, and no analysis it was not given', () => {
    const html = buildReportHtml(content());
    for (const heading of ['Run', 'ROI', 'Settings', 'Model', 'Notes'])
      expect(html).toContain(`<h2>${heading}</h2>`);
    expect(html).toContain('<title>XAI-CLIP: occlusion of the liver</title>');
    expect(html).toContain('120 (4 skipped');
    expect(html).toContain('<th>Explained</th><td>liver component 2 of 3 (14.2 mL)</td>');
    expect(html).toContain('8.4 s');
    expect(html).toContain('2.1 % (5000 voxels)');
    expect(html).toContain('outside the ROI by the fill lowers the liver score by 12.4 %');
    expect(html).toContain('<th>occlusion: windowMm</th><td>12</td>');
    expect(html).toContain('<a href="models/chaos-ct-segformer/MODEL_CARD.md">');
    expect(html).not.toContain('<h2>Faithfulness</h2>');
    expect(html).not.toContain('<h2>Sanity checks</h2>');
    expect(html).not.toContain('<img');
  });

  it('shows the picture, faithfulness with its random baseline, and sanity rows', () => {
    const html = buildReportHtml(
      content({
        image: { dataUrl: 'data:image/png;base64,iVBORw0KGgo=', caption: 'Slice 44 with the overlay' },
        faithfulness: {
          deletionAuc: 0.2134,
          insertionAuc: 0.7712,
          random: { deletionAuc: 0.5, insertionAuc: 0.41 },
          pointingGame: { hits: 1, images: 1 },
          steps: 30,
          organMultiple: 3,
          images: [],
          passes: 125,
          ms: 6100,
          notes: [],
        },
        sanity: [
          {
            name: 'model randomisation',
            status: 'pass',
            figures: { spearman: 0.12 },
            summary: 'the map <changes>',
          },
        ],
      }),
    );
    expect(html).toContain('<img alt="Slice 44 with the overlay" src="data:image/png;base64,iVBORw0KGgo=">');
    expect(html).toContain('<td>0.213 (random order 0.500)</td>');
    expect(html).toContain('<td>0.771 (random order 0.410)</td>');
    expect(html).toContain('1 of 1 images');
    expect(html).toContain('125 in 6.1 s');
    expect(html).toContain(
      '<th>model randomisation</th><td>pass</td><td>spearman 0.12</td><td>the map &lt;changes&gt;</td>',
    );
  });

  it('refuses a picture that is not a PNG data URL', () => {
    expect(() =>
      buildReportHtml(content({ image: { dataUrl: 'javascript:alert(1)', caption: 'x' } })),
    ).toThrow(/PNG data URL/);
  });
});
