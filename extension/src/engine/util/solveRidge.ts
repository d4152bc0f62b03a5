/**
 * Weighted ridge regression with an unpenalised intercept: the surrogate model of LIME.
 *
 * Minimises Σᵣ wᵣ (yᵣ − b − xᵣ·β)² + λ‖β‖². The features and targets are centred on their weighted
 * means (which removes the intercept from the penalty), scaled by √w, and the normal equations
 * (XᵀWX + λI) β = XᵀWy are solved by Cholesky. When there are fewer samples than features
 * (n < p) the equivalent dual system (√W X Xᵀ √W + λI) α = √W y, β = Xᵀ √W α is solved instead,
 * so the cost is O(min(n, p)² · max(n, p)) and p in the thousands stays practical.
 *
 * @param features n × p design matrix, row-major (sample r, feature c at r·p + c).
 * @param n Number of samples (rows).
 * @param p Number of features (columns).
 * @param targets n model outputs.
 * @param weights n non-negative sample weights (LIME's proximity kernel), not all zero.
 * @param lambda Penalty λ ≥ 0; with λ = 0 the weighted design must have full column rank.
 * @returns p coefficients β and the intercept b, so that a prediction is b + x·β.
 */
export function solveRidge(
  features: Float64Array,
  n: number,
  p: number,
  targets: Float64Array,
  weights: Float64Array,
  lambda: number,
): { coefficients: Float64Array; intercept: number } {
  if (!Number.isInteger(n) || !Number.isInteger(p) || n < 1 || p < 1) {
    throw new RangeError(`Ridge regression needs n ≥ 1 samples and p ≥ 1 features, not n = ${n}, p = ${p}.`);
  }
  if (features.length !== n * p || targets.length !== n || weights.length !== n) {
    throw new RangeError(
      `Ridge regression expects ${n}×${p} features and ${n} targets and weights, ` +
        `not ${features.length}, ${targets.length} and ${weights.length}.`,
    );
  }
  if (!(lambda >= 0) || !Number.isFinite(lambda)) {
    throw new RangeError(`The ridge penalty must be finite and ≥ 0, not ${lambda}.`);
  }

  let weightSum = 0;
  let targetMean = 0;
  const featureMeans = new Float64Array(p);
  for (let r = 0; r < n; r++) {
    const w = weights[r];
    if (!(w >= 0) || !Number.isFinite(w))
      throw new RangeError(`Sample weight ${r} is ${w}; weights must be ≥ 0.`);
    weightSum += w;
    targetMean += w * targets[r];
    for (let c = 0, at = r * p; c < p; c++, at++) featureMeans[c] += w * features[at];
  }
  if (weightSum <= 0)
    throw new RangeError('Ridge regression needs at least one sample with a positive weight.');
  targetMean /= weightSum;
  for (let c = 0; c < p; c++) featureMeans[c] /= weightSum;

  // Z = √W (X − x̄) and u = √W (y − ȳ): the problem becomes ordinary ridge on (Z, u).
  const scaled = new Float64Array(n * p);
  const scaledTargets = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const root = Math.sqrt(weights[r]);
    scaledTargets[r] = root * (targets[r] - targetMean);
    for (let c = 0, at = r * p; c < p; c++, at++) scaled[at] = root * (features[at] - featureMeans[c]);
  }

  let coefficients: Float64Array;
  if (p <= n) {
    const columns = transpose(scaled, n, p);
    const rightHandSide = new Float64Array(p);
    for (let c = 0; c < p; c++) rightHandSide[c] = dot(columns, c * n, scaledTargets, 0, n);
    coefficients = solveSymmetric(gramOfRows(columns, p, n, lambda), p, rightHandSide);
  } else {
    const dual = solveSymmetric(gramOfRows(scaled, n, p, lambda), n, scaledTargets);
    coefficients = new Float64Array(p);
    for (let r = 0; r < n; r++) {
      const a = dual[r];
      for (let c = 0, at = r * p; c < p; c++, at++) coefficients[c] += a * scaled[at];
    }
  }

  let intercept = targetMean;
  for (let c = 0; c < p; c++) intercept -= featureMeans[c] * coefficients[c];
  return { coefficients, intercept };
}

/** Σ a[aStart + t] · b[bStart + t] for t < length, with four accumulators. */
function dot(a: Float64Array, aStart: number, b: Float64Array, bStart: number, length: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let t = 0;
  for (; t + 3 < length; t += 4) {
    s0 += a[aStart + t] * b[bStart + t];
    s1 += a[aStart + t + 1] * b[bStart + t + 1];
    s2 += a[aStart + t + 2] * b[bStart + t + 2];
    s3 += a[aStart + t + 3] * b[bStart + t + 3];
  }
  for (; t < length; t++) s0 += a[aStart + t] * b[bStart + t];
  return s0 + s1 + s2 + s3;
}

function transpose(matrix: Float64Array, rows: number, cols: number): Float64Array {
  const result = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) result[c * rows + r] = matrix[r * cols + c];
  }
  return result;
}

/**
 * M Mᵀ + λI for a rows × cols row-major M; only the lower triangle is complete. Rows are taken two
 * by two against two others, so each load serves two products (about twice as fast as plain dot
 * products); with an odd count the last pair repeats a row, which rewrites the same values.
 */
function gramOfRows(matrix: Float64Array, rows: number, cols: number, lambda: number): Float64Array {
  const gram = new Float64Array(rows * rows);
  for (let a0 = 0; a0 < rows; a0 += 2) {
    const a1 = Math.min(a0 + 1, rows - 1);
    for (let b0 = 0; b0 <= a0; b0 += 2) {
      const b1 = Math.min(b0 + 1, rows - 1);
      const x0 = a0 * cols;
      const x1 = a1 * cols;
      const y0 = b0 * cols;
      const y1 = b1 * cols;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let t = 0; t < cols; t++) {
        const u0 = matrix[x0 + t];
        const u1 = matrix[x1 + t];
        const v0 = matrix[y0 + t];
        const v1 = matrix[y1 + t];
        s00 += u0 * v0;
        s01 += u0 * v1;
        s10 += u1 * v0;
        s11 += u1 * v1;
      }
      gram[a0 * rows + b0] = s00;
      gram[a0 * rows + b1] = s01;
      gram[a1 * rows + b0] = s10;
      gram[a1 * rows + b1] = s11;
    }
  }
  for (let a = 0; a < rows; a++) gram[a * rows + a] += lambda;
  return gram;
}

/**
 * Solves A x = b for a symmetric positive-definite size × size A given by its lower triangle, by
 * Cholesky (A = L Lᵀ) and two triangular solves. L is computed two rows by two columns at a time,
 * sharing each load between two products (about twice as fast as one entry at a time); an odd
 * system gets an extra unit row and column, whose unknown is 0, to make the blocks fit.
 */
function solveSymmetric(matrix: Float64Array, size: number, rightHandSide: Float64Array): Float64Array {
  const order = size + (size % 2);
  const l = order === size ? matrix : new Float64Array(order * order);
  if (l !== matrix) {
    for (let i = 0; i < size; i++) l.set(matrix.subarray(i * size, (i + 1) * size), i * order);
    l[size * order + size] = 1;
  }
  for (let i0 = 0; i0 < order; i0 += 2) {
    const r0 = i0 * order;
    const r1 = r0 + order;
    for (let j0 = 0; j0 <= i0; j0 += 2) {
      const q0 = j0 * order;
      const q1 = q0 + order;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let k = 0; k < j0; k++) {
        const u0 = l[r0 + k];
        const u1 = l[r1 + k];
        const v0 = l[q0 + k];
        const v1 = l[q1 + k];
        s00 += u0 * v0;
        s01 += u0 * v1;
        s10 += u1 * v0;
        s11 += u1 * v1;
      }
      if (j0 === i0) {
        const d0 = positiveRoot(l[r0 + i0] - s00);
        const l10 = (l[r1 + i0] - s10) / d0;
        l[r0 + i0] = d0;
        l[r1 + i0] = l10;
        l[r1 + i0 + 1] = positiveRoot(l[r1 + i0 + 1] - s11 - l10 * l10);
      } else {
        const d0 = l[q0 + j0];
        const d1 = l[q1 + j0 + 1];
        const between = l[q1 + j0];
        const l00 = (l[r0 + j0] - s00) / d0;
        const l10 = (l[r1 + j0] - s10) / d0;
        l[r0 + j0] = l00;
        l[r1 + j0] = l10;
        l[r0 + j0 + 1] = (l[r0 + j0 + 1] - s01 - l00 * between) / d1;
        l[r1 + j0 + 1] = (l[r1 + j0 + 1] - s11 - l10 * between) / d1;
      }
    }
  }
  const x = new Float64Array(order);
  x.set(rightHandSide);
  for (let i = 0; i < order; i++) x[i] = (x[i] - dot(l, i * order, x, 0, i)) / l[i * order + i];
  for (let i = order - 1; i >= 0; i--) {
    let sum = x[i];
    for (let k = i + 1; k < order; k++) sum -= l[k * order + i] * x[k];
    x[i] = sum / l[i * order + i];
  }
  return x.slice(0, size);
}

function positiveRoot(value: number): number {
  if (!(value > 0))
    throw new RangeError('Ridge system is not positive definite: use λ > 0 or more (weighted) samples.');
  return Math.sqrt(value);
}
