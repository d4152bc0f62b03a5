import { solveRidge } from '../util/solveRidge';

/**
 * How well a weighted ridge surrogate predicts samples it was not fitted on: `folds`-fold
 * cross-validation (sample r in fold r mod folds), each fold predicted by the fit on the others
 * with the same weights and penalty, scored as R² = 1 − Σ w (y − ŷ)² / Σ w (y − ȳ)², with the same
 * kernel weights w as the fit and ȳ their weighted mean of all targets. 1: the surrogate predicts
 * the model exactly; 0: no better than the mean; below 0: worse. NaN with fewer than 2 samples per
 * fold or targets that do not vary.
 *
 * @param design rows × p on/off design, row-major; targets, weights and lambda as `solveRidge`.
 */
export function surrogateHeldOutR2(
  design: Float64Array,
  rows: number,
  p: number,
  targets: Float64Array,
  weights: Float64Array,
  lambda: number,
  folds = 5,
): number {
  if (rows < 2 * folds) return NaN;
  let weightSum = 0;
  let weightedMean = 0;
  for (let r = 0; r < rows; r++) {
    weightSum += weights[r];
    weightedMean += weights[r] * targets[r];
  }
  weightedMean /= weightSum;
  let residual = 0;
  let total = 0;
  for (let fold = 0; fold < folds; fold++) {
    const train = Array.from({ length: rows }, (_, r) => r).filter((r) => r % folds !== fold);
    const trainDesign = new Float64Array(train.length * p);
    train.forEach((r, n) => trainDesign.set(design.subarray(r * p, (r + 1) * p), n * p));
    const fit = solveRidge(
      trainDesign,
      train.length,
      p,
      Float64Array.from(train, (r) => targets[r]),
      Float64Array.from(train, (r) => weights[r]),
      lambda,
    );
    for (let r = fold; r < rows; r += folds) {
      let predicted = fit.intercept;
      for (let f = 0; f < p; f++) predicted += design[r * p + f] * fit.coefficients[f];
      residual += weights[r] * (targets[r] - predicted) ** 2;
      total += weights[r] * (targets[r] - weightedMean) ** 2;
    }
  }
  return total > 0 ? 1 - residual / total : NaN;
}
