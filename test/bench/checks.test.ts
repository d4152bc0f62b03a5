import { checksOf } from '../../cli/src/bench/checks';
import { BenchResult, BenchRow } from '../../cli/src/bench/schema';
import { defaultSettings } from '../../cli/src/bench/settings';

/** A result with the CT liver's occlusion rows, one sweep point, one coarse-to-fine comparison and a slab. */
function result(
  change: {
    roi?: Partial<BenchRow>;
    overhead?: number;
    agreement?: number;
    slab?: { agreementTopGtIou?: number; fastPasses?: number };
    deletionVerdict?: 'win' | 'tie' | 'loss';
    /** The random map's deletion AUC on the three slices (the indicator's: 0.1, 0.2, 0.3). */
    randomDeletion?: number[];
  } = {},
): BenchResult {
  const row = (variant: 'full' | 'roi', figures: Partial<BenchRow>) =>
    ({
      dataset: 'chaos-ct',
      organ: 'liver',
      method: 'occlusion',
      variant,
      wallMs: 1000,
      cpuMs: 1000,
      passes: 1000,
      otsu: { dice: 0.9, iou: 0.8 },
      topGt: { dice: 0.95, iou: 0.9 },
      deletionAuc: 0.04,
      ...figures,
    }) as BenchRow;
  const roi = { wallMs: 390, cpuMs: 380, passes: 350, ...change.roi };
  const sanity = (map: string, deletionAuc: number, slice: number) => ({
    dataset: 'chaos-mr',
    subject: '3',
    organ: 'liver',
    slice,
    map,
    deletionAuc,
    insertionAuc: 0.5,
  });
  const randomDeletion = change.randomDeletion ?? [0.5, 0.7, 0.6];
  return {
    settings: defaultSettings('quick'),
    rows: [row('full', {}), row('roi', roi)],
    comparisons: [
      {
        dataset: 'chaos-ct',
        organ: 'liver',
        method: 'occlusion',
        vsFull: {
          deletionAuc: { mean: 0.01, low: -0.02, high: 0.03, verdict: change.deletionVerdict ?? 'tie' },
        },
      },
    ],
    sanity: {
      units: [0.1, 0.2, 0.3].flatMap((indicator, slice) => [
        sanity('predicted-mask', indicator, slice),
        sanity('random', randomDeletion[slice], slice),
      ]),
    },
    performance: {
      defaultBatchSize: 8,
      backend: 'cpu',
      sweep: [{ batchSize: 8, overhead: change.overhead ?? 1.1, ortOverhead: 1.05 }],
    },
    coarseToFine: [
      {
        dataset: 'chaos-ct',
        organ: 'liver',
        agreementTopGtIou: change.agreement ?? 0.85,
        coarseToFinePasses: 200,
        plainPasses: 350,
      },
    ],
    slab: {
      dataset: 'chaos-ct',
      organ: 'liver',
      agreementTopGtIou: 0.8,
      agreementPearson: 0.9,
      fastPasses: 3000,
      exhaustivePasses: 20000,
      ...change.slab,
    },
  } as unknown as BenchResult;
}

const verdicts = (r: BenchResult) => Object.fromEntries(checksOf(r).map((c) => [c.id, c.pass]));

describe('benchmark checks', () => {
  it('pass on figures that meet every claim, ties included where the claim is "not below"', () => {
    const checks = checksOf(result());
    expect(checks.map((c) => [c.id, c.pass])).toEqual([
      ['roi-occlusion-wall-time', true],
      ['roi-occlusion-otsu', true],
      ['roi-occlusion-top-gt', true],
      ['roi-occlusion-deletion', true],
      ['metric-separates-indicator', true],
      ['engine-overhead', true],
      ['coarse-to-fine-agreement', true],
      ['slab-agreement', true],
    ]);
    expect(checks[0].name).toBe('chaos-ct liver: ROI occlusion wall time ≤ 40 % of full');
    expect(checks[0].detail).toMatch(/^39\.0 % \(0\.4 s vs 1\.0 s; CPU time 38\.0 %; 350 vs 1000 passes/);
  });

  it('fail each on the figure it reads, just past its limit', () => {
    expect(verdicts(result({ roi: { wallMs: 401 } }))['roi-occlusion-wall-time']).toBe(false);
    expect(verdicts(result({ roi: { otsu: { dice: 0.9, iou: 0.799 } } }))['roi-occlusion-otsu']).toBe(false);
    expect(verdicts(result({ roi: { topGt: { dice: 0.949, iou: 0.9 } } }))['roi-occlusion-top-gt']).toBe(
      false,
    );
    expect(verdicts(result({ deletionVerdict: 'loss' }))['roi-occlusion-deletion']).toBe(false);
    // One slice where the random map deletes as well as the indicator: the interval reaches 0.
    expect(verdicts(result({ randomDeletion: [0.5, 0.7, 0.3] }))['metric-separates-indicator']).toBe(false);
    expect(verdicts(result({ overhead: 1.26 }))['engine-overhead']).toBe(false);
    expect(verdicts(result({ agreement: 0.69 }))['coarse-to-fine-agreement']).toBe(false);
    expect(verdicts(result({ slab: { agreementTopGtIou: 0.799 } }))['slab-agreement']).toBe(false);
    expect(verdicts(result({ slab: { fastPasses: 20000 } }))['slab-agreement']).toBe(false);
    // Only the check that reads the figure fails.
    expect(Object.values(verdicts(result({ roi: { wallMs: 401 } }))).filter((pass) => !pass)).toHaveLength(1);
  });

  it('leave out the occlusion checks when the run has no occlusion rows', () => {
    const noOcclusion = { ...result(), rows: [] };
    expect(checksOf(noOcclusion).map((c) => c.id)).toEqual([
      'metric-separates-indicator',
      'engine-overhead',
      'coarse-to-fine-agreement',
      'slab-agreement',
    ]);
  });
});
