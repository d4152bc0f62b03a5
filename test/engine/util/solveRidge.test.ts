import { createRandom } from '../../../extension/src/engine/util/random';
import { solveRidge } from '../../../extension/src/engine/util/solveRidge';

/** A planted model y = b + x·β on random 0/1 features (like LIME's masks) with random weights. */
function planted(n: number, p: number, seed: number) {
  const random = createRandom(seed);
  const features = new Float64Array(n * p).map(() => (random() < 0.5 ? 1 : 0));
  const beta = new Float64Array(p).map(() => random() * 2 - 1);
  const intercept = 0.75;
  const targets = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    targets[r] = intercept;
    for (let c = 0; c < p; c++) targets[r] += features[r * p + c] * beta[c];
  }
  const weights = new Float64Array(n).map(() => 0.1 + random());
  return { features, beta, intercept, targets, weights };
}

describe('solveRidge', () => {
  it('matches a hand-solved one-feature case', () => {
    // x = [0, 1, 2], y = [1, 3, 5], w = 1: x̄ = 1, ȳ = 3, Σ(x−x̄)² = 2, Σ(x−x̄)(y−ȳ) = 4.
    // β = 4 / (2 + λ); with λ = 2, β = 1 and b = ȳ − β x̄ = 2.
    const result = solveRidge(
      Float64Array.of(0, 1, 2),
      3,
      1,
      Float64Array.of(1, 3, 5),
      Float64Array.of(1, 1, 1),
      2,
    );
    expect(result.coefficients[0]).toBeCloseTo(1, 12);
    expect(result.intercept).toBeCloseTo(2, 12);
  });

  it('matches a hand-solved weighted two-feature case', () => {
    // Rows (x1, x2, y, w): (0,0,1,1), (1,0,2,1), (0,1,4,2), (1,1,4,0) — the last row has no weight.
    // Weighted means (Σw = 4): x̄ = (0.25, 0.5), ȳ = 11 / 4 = 2.75. Centred, XᵀWX = [[0.75, −0.5], [−0.5, 1]]
    // and XᵀWy = [−0.75, 2.5]. With λ = 0.25: [[1, −0.5], [−0.5, 1.25]] β = [−0.75, 2.5], det = 1,
    // β = (1.25·−0.75 + 0.5·2.5, 0.5·−0.75 + 1·2.5) = (0.3125, 2.125), b = 2.75 − 0.078125 − 1.0625.
    const result = solveRidge(
      Float64Array.of(0, 0, 1, 0, 0, 1, 1, 1),
      4,
      2,
      Float64Array.of(1, 2, 4, 4),
      Float64Array.of(1, 1, 2, 0),
      0.25,
    );
    expect(result.coefficients[0]).toBeCloseTo(0.3125, 12);
    expect(result.coefficients[1]).toBeCloseTo(2.125, 12);
    expect(result.intercept).toBeCloseTo(1.609375, 12);
  });

  it('does not penalise the intercept', () => {
    const result = solveRidge(
      Float64Array.of(0, 1, 0, 1),
      4,
      1,
      Float64Array.of(10, 10, 10, 10),
      Float64Array.of(1, 1, 1, 1),
      1e6,
    );
    expect(result.coefficients[0]).toBeCloseTo(0, 12);
    expect(result.intercept).toBeCloseTo(10, 12);
  });

  it('recovers a planted linear model as λ → 0 (more samples than features)', () => {
    const { features, beta, intercept, targets, weights } = planted(400, 50, 1);
    const result = solveRidge(features, 400, 50, targets, weights, 1e-9);
    for (let c = 0; c < 50; c++) expect(result.coefficients[c]).toBeCloseTo(beta[c], 6);
    expect(result.intercept).toBeCloseTo(intercept, 6);
  });

  it('solves the dual system when there are fewer samples than features', () => {
    // Fit with n < p, then check the normal equations (XᵀWX + λI)β = XᵀWy on the centred data.
    const n = 30;
    const p = 80;
    const lambda = 0.5;
    const { features, targets, weights } = planted(n, p, 2);
    const { coefficients, intercept } = solveRidge(features, n, p, targets, weights, lambda);
    const residual = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      let prediction = intercept;
      for (let c = 0; c < p; c++) prediction += features[r * p + c] * coefficients[c];
      residual[r] = targets[r] - prediction;
    }
    // Stationarity: Σ w r = 0 (intercept) and Xᵀ W r = λβ (coefficients).
    let weightedResidual = 0;
    for (let r = 0; r < n; r++) weightedResidual += weights[r] * residual[r];
    expect(weightedResidual).toBeCloseTo(0, 9);
    for (let c = 0; c < p; c++) {
      let gradient = 0;
      for (let r = 0; r < n; r++) gradient += features[r * p + c] * weights[r] * residual[r];
      expect(gradient).toBeCloseTo(lambda * coefficients[c], 9);
    }
  });

  it('gives the same answer through the primal and the dual systems', () => {
    const { features, targets, weights } = planted(60, 60, 3);
    // 60 × 60 goes through the primal system, 59 × 60 through the dual; a zero weight drops row 60.
    const zeroLast = Float64Array.from(weights);
    zeroLast[59] = 0;
    const primal = solveRidge(features, 60, 60, targets, zeroLast, 0.3);
    const dual = solveRidge(
      features.subarray(0, 59 * 60),
      59,
      60,
      targets.subarray(0, 59),
      weights.subarray(0, 59),
      0.3,
    );
    for (let c = 0; c < 60; c++) expect(dual.coefficients[c]).toBeCloseTo(primal.coefficients[c], 9);
    expect(dual.intercept).toBeCloseTo(primal.intercept, 9);
  });

  it('handles p = 2000 features in reasonable time', () => {
    const n = 1000;
    const p = 2000;
    const { features, targets, weights } = planted(n, p, 4);
    const started = performance.now();
    const { coefficients } = solveRidge(features, n, p, targets, weights, 1);
    expect(performance.now() - started).toBeLessThan(20000);
    expect(coefficients.every(Number.isFinite)).toBe(true);
  });

  it('rejects bad input', () => {
    const one = Float64Array.of(1);
    expect(() => solveRidge(one, 1, 2, one, one, 1)).toThrow(RangeError);
    expect(() => solveRidge(one, 1, 1, one, Float64Array.of(0), 1)).toThrow(/positive weight/);
    expect(() => solveRidge(one, 1, 1, one, one, -1)).toThrow(RangeError);
    expect(() =>
      solveRidge(Float64Array.of(1, 1), 2, 1, Float64Array.of(1, 2), Float64Array.of(1, 1), 0),
    ).toThrow(/positive definite/);
  });
});
