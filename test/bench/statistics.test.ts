import { bootstrapInterval } from '../../cli/src/bench/stats/bootstrapInterval';
import { normalCdf } from '../../cli/src/bench/stats/normalCdf';
import { headlineTable } from '../../cli/src/bench/formatBench';
import { Comparison } from '../../cli/src/bench/schema';
import { pairedComparison } from '../../cli/src/bench/stats/pairedComparison';
import { verdictOf } from '../../cli/src/bench/stats/verdictOf';
import { wilcoxonSignedRank } from '../../cli/src/bench/stats/wilcoxonSignedRank';

describe('benchmark statistics', () => {
  it('normalCdf matches the standard normal table', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021, 6);
    expect(normalCdf(-0.5)).toBeCloseTo(0.3085375, 6);
    expect(normalCdf(-3)).toBeCloseTo(0.0013499, 6);
  });

  it('wilcoxonSignedRank gives the textbook p of Hollander & Wolfe’s depression data (scipy: 0.04401)', () => {
    // Hamilton depression scale, first visit − second visit (Hollander & Wolfe 1973, p. 29).
    const x = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
    const y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
    const result = wilcoxonSignedRank(x.map((v, n) => v - y[n]));
    expect(result.n).toBe(9);
    expect(result.wPlus).toBe(40); // W− = 5, scipy's statistic
    expect(result.p).toBeCloseTo(0.04401, 4);
  });

  it('wilcoxonSignedRank drops zeros and shares tied ranks (scipy approx with correction: 0.030975)', () => {
    const result = wilcoxonSignedRank([2, -1, 2, 3, 0, -2, 4, 2, 5, 1, 0, 3]);
    expect(result.n).toBe(10);
    // |d| ranks: 1,1 → 1.5; 2,2,2,2 → 4.5; 3,3 → 7.5; 4 → 9; 5 → 10. Negatives: −1 (1.5), −2 (4.5).
    expect(result.wPlus).toBe(55 - 1.5 - 4.5);
    expect(result.p).toBeCloseTo(0.030975, 4);
    expect(Number.isNaN(wilcoxonSignedRank([0, 0]).p)).toBe(true);
  });

  it('bootstrapInterval is seeded and brackets the mean by about 1.96 standard errors', () => {
    const differences = Array.from({ length: 20 }, (_, n) => n + 1); // mean 10.5, SE 5.92 / √20 = 1.32
    const interval = bootstrapInterval(differences, 7);
    expect(interval.mean).toBe(10.5);
    expect(interval.low).toBeGreaterThan(10.5 - 1.96 * 1.32 - 0.4);
    expect(interval.low).toBeLessThan(10.5 - 1.96 * 1.32 + 0.4);
    expect(interval.high).toBeGreaterThan(10.5 + 1.96 * 1.32 - 0.4);
    expect(interval.high).toBeLessThan(10.5 + 1.96 * 1.32 + 0.4);
    expect(bootstrapInterval(differences, 7)).toEqual(interval);
    expect(bootstrapInterval([0.25, 0.25, 0.25], 1)).toEqual({ mean: 0.25, low: 0.25, high: 0.25 });
    expect(bootstrapInterval([0.25], 1)).toEqual({ mean: 0.25, low: NaN, high: NaN });
  });

  it('verdictOf reads the interval only, in the metric’s direction', () => {
    expect(verdictOf({ mean: 0.1, low: 0.01, high: 0.2 }, true)).toBe('win');
    expect(verdictOf({ mean: 0.1, low: 0.01, high: 0.2 }, false)).toBe('loss');
    expect(verdictOf({ mean: 0.1, low: -0.01, high: 0.2 }, true)).toBe('tie');
    expect(verdictOf({ mean: -0.1, low: -0.2, high: -0.01 }, false)).toBe('win');
    expect(verdictOf({ mean: 0.1, low: NaN, high: NaN }, true)).toBe('tie'); // one slice: no interval
  });

  it('pairedComparison rounds the interval and gives Wilcoxon’s p with the verdict', () => {
    const c = pairedComparison([0.11, 0.09, 0.1, 0.12, 0.08, 0.1, 0.13, 0.07, 0.1, 0.1], true, 3);
    expect(c).toMatchObject({ mean: 0.1, slices: 10, verdict: 'win' });
    expect(c.low).toBeGreaterThan(0.08);
    expect(c.high).toBeLessThan(0.12);
    expect(c.p).toBeLessThan(0.01);
  });

  it('keeps a tiny difference that excludes 0 readable: two significant digits, exponent form in the tables', () => {
    // ROI occlusion's deletion AUC on the CT liver: a consistent loss of under 1e-6 per slice.
    const tiny = pairedComparison([3.7e-6, 2.6e-7, 1.6e-7, 5.5e-7, 2.9e-6, 6.2e-7, 1.7e-7, 1.7e-7], false, 0);
    expect(tiny.verdict).toBe('loss');
    expect(tiny.low).toBeGreaterThan(0); // not rounded to 0 beside its verdict
    expect(tiny.mean).toBe(Number(tiny.mean.toPrecision(2)));
    const tie = pairedComparison([0.01, -0.01, 0.02, -0.02], true, 0);
    const row = (deletionAuc: typeof tiny) =>
      headlineTable([
        {
          dataset: 'd',
          organ: 'o',
          method: 'occlusion',
          passesChange: -0.5,
          gains: [],
          vsFull: { topGtDice: tie, otsuDice: tie, deletionAuc },
        } as unknown as Comparison,
      ])[2];
    expect(row(tiny)).toMatch(/\| \+1\.1e−6 \[\+\d\.\de−7, \+\d\.\de−6\] loss \(p 0\.0\d\d\) \| none \|$/);
    // A tie keeps 3 decimals, whatever its size.
    expect(row(tie)).toContain('| +0.000 [−0.015, +0.015] tie');
  });
});
