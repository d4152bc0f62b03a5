import { gaussianBlur } from '../util/gaussianBlur';
import { Volume } from '../volume/Volume';
import { FillMode } from './PerturbationMethod';

/**
 * Replacement values for removed voxels, one per voxel of `image`:
 * `min` (air in CT, the usual occlusion baseline), `mean`, `blur` (a Gaussian-blurred copy,
 * σ = `blurSigmaMm`, which keeps low frequencies and stays closer to the data distribution),
 * or a constant.
 */
export function makeSubstrate(image: Volume<Float32Array>, fill: FillMode, blurSigmaMm = 5): Float32Array {
  const { data } = image;
  if (fill === 'blur') return gaussianBlur(image, blurSigmaMm).data;
  if (typeof fill === 'number') {
    if (!Number.isFinite(fill)) throw new Error(`Fill value must be a finite number, got ${fill}.`);
    return new Float32Array(data.length).fill(fill);
  }
  if (fill === 'min') {
    let min = Infinity;
    for (let v = 0; v < data.length; v++) if (data[v] < min) min = data[v];
    return new Float32Array(data.length).fill(min);
  }
  if (fill === 'mean') {
    let sum = 0;
    for (let v = 0; v < data.length; v++) sum += data[v];
    return new Float32Array(data.length).fill(sum / data.length);
  }
  throw new Error(`Unknown fill "${String(fill)}". Use min, mean, blur or a number.`);
}
