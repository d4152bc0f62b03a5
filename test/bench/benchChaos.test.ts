import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { dataRoot } from '../helpers/dataRoot';
import { runCli } from '../helpers/runCli';

/* The CI run: `xai-clip bench --quick --json <file>` on the real CHAOS data with the bundled
 * models. Timing figures are printed, not asserted (the CI machine is shared); what the seeds and
 * the window grid fix is asserted. */

interface Row {
  dataset: string;
  organ: string;
  method: string;
  variant: string;
  [key: string]: unknown;
}

describe('xai-clip bench --quick on CHAOS (bundled models)', () => {
  const json = path.join(mkdtempSync(path.join(tmpdir(), 'xai-clip-bench-chaos-')), 'quick.json');
  let bench: {
    rows: Row[];
    checks: { name: string; pass: boolean; detail: string }[];
    [key: string]: unknown;
  };

  beforeAll(async () => {
    const result = await runCli('bench', '--quick', '--data', dataRoot(), '--json', json, '--quiet');
    if (result.code !== 0) throw new Error(`bench failed (${result.code}): ${result.stderr}`);
    console.log(result.stdout);
    bench = JSON.parse(readFileSync(json, 'utf8'));
  }, 1_200_000);

  const row = (dataset: string, method: string, variant: string) =>
    bench.rows.find(
      (r) => r.dataset === dataset && r.organ === 'liver' && r.method === method && r.variant === variant,
    )!;

  it.each(['chaos-ct', 'chaos-mr'])(
    'writes every field for occlusion, RISE and LIME, full and ROI, on %s liver',
    (dataset) => {
      for (const method of ['occlusion', 'rise', 'lime']) {
        for (const variant of ['full', 'roi']) {
          const r = row(dataset, method, variant);
          expect(r).toBeDefined();
          for (const key of ['passes', 'wallMs', 'dice', 'iou', 'deletionAuc', 'insertionAuc', 'overhead']) {
            expect(Number.isFinite(r[key])).toBe(true);
          }
          expect(r.roiSource).toBe(variant === 'roi' ? 'clip' : 'none');
        }
      }
    },
  );

  it('runs ROI occlusion on the CT liver in at most 40 % of the full run’s passes (same window grid)', () => {
    const ratio =
      (row('chaos-ct', 'occlusion', 'roi').passes as number) /
      (row('chaos-ct', 'occlusion', 'full').passes as number);
    expect(ratio).toBeLessThanOrEqual(0.4);
  });

  it('gives RISE and LIME inside the CLIP ROI a saliency closer to the CT liver than over the whole image', () => {
    for (const method of ['rise', 'lime']) {
      expect(row('chaos-ct', method, 'roi').dice).toBeGreaterThan(
        row('chaos-ct', method, 'full').dice as number,
      );
      expect(row('chaos-ct', method, 'roi').iou).toBeGreaterThan(
        row('chaos-ct', method, 'full').iou as number,
      );
    }
  });

  it('reports its checks with their figures', () => {
    expect(bench.checks.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/ROI occlusion wall time ≤ 40 % of full/),
        expect.stringMatching(/deletion AUC not worse/),
        expect.stringMatching(/engine overhead ≤ 1\.25/),
      ]),
    );
    for (const check of bench.checks) expect(check.detail).toMatch(/\d/);
  });
});
