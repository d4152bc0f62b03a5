import { pearsonCorrelation } from '@xai-clip/engine';
import { round } from './numbers';

/** Pearson correlation of two maps over the voxels `keep` accepts (all by default), 4 decimals. */
export function pearson(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  keep: (v: number) => boolean = () => true,
): number {
  return round(pearsonCorrelation(a, b, keep), 4);
}
