// A global lookup per value is slow in sandboxed VMs (jest), so the histogram loop uses a local copy.
const { floor } = Math;

/**
 * Otsu's threshold: the cut that maximises the between-class variance of a histogram.
 *
 * Used to split an image or a saliency map into foreground and background without a tuned
 * constant. The histogram spans [min, max] of the selected values in `bins` equal bins; the
 * threshold returned is the upper edge of the last background bin, so `value > t` is foreground.
 * When several cuts share the best variance (an empty gap between two modes), the middle of that
 * run of cuts is taken. Non-finite values are ignored.
 *
 * @param values Intensities in any unit (e.g. a volume's voxels).
 * @param options.bins Number of histogram bins, an integer ≥ 2 (default 256).
 * @param options.mask Same length as `values`; only values where it is non-zero are used.
 * @returns The threshold, in the unit of `values`. For constant data it is that constant, so no
 *   value is foreground.
 */
export function otsuThreshold(
  values: ArrayLike<number>,
  options: { bins?: number; mask?: ArrayLike<number> } = {},
): number {
  const { bins = 256, mask } = options;
  if (!Number.isInteger(bins) || bins < 2)
    throw new RangeError(`Otsu needs an integer bin count ≥ 2, not ${bins}.`);
  if (mask && mask.length !== values.length) {
    throw new RangeError(`The mask has ${mask.length} values but there are ${values.length} values.`);
  }
  const selected = (index: number): boolean => (!mask || mask[index] !== 0) && Number.isFinite(values[index]);

  let min = Infinity;
  let max = -Infinity;
  for (let index = 0; index < values.length; index++) {
    if (!selected(index)) continue;
    const v = values[index];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min > max) throw new RangeError('Otsu needs at least one finite value (inside the mask).');
  if (min === max) return min;

  const width = (max - min) / bins;
  const clampBin = (bin: number) => (bin < bins - 1 ? bin : bins - 1);
  const histogram = new Float64Array(bins);
  for (let index = 0; index < values.length; index++) {
    if (selected(index)) histogram[clampBin(floor((values[index] - min) / width))]++;
  }

  let total = 0;
  let totalMoment = 0;
  for (let b = 0; b < bins; b++) {
    total += histogram[b];
    totalMoment += b * histogram[b];
  }
  // Cut after bin `cut`: class 0 holds bins 0…cut, class 1 the rest.
  let count0 = 0;
  let moment0 = 0;
  let best = -1;
  let firstBest = 0;
  let lastBest = 0;
  for (let cut = 0; cut < bins - 1; cut++) {
    count0 += histogram[cut];
    moment0 += cut * histogram[cut];
    const count1 = total - count0;
    if (count0 === 0 || count1 === 0) continue;
    const difference = moment0 / count0 - (totalMoment - moment0) / count1;
    const variance = count0 * count1 * difference * difference;
    if (variance > best * (1 + 1e-12)) {
      best = variance;
      firstBest = cut;
      lastBest = cut;
    } else if (variance >= best * (1 - 1e-12) && cut === lastBest + 1) {
      lastBest = cut;
    }
  }
  const cut = Math.floor((firstBest + lastBest) / 2);
  return min + (cut + 1) * width;
}
