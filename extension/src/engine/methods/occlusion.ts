import { Box, forEachVoxelInBox } from '../volume/Box';
import { Vec3 } from '../volume/Volume';
import { mmToVoxels } from './mmToVoxels';
import { PerturbationContext, PerturbationMethod, PerturbationPlan } from './PerturbationMethod';
import { windowGrid } from './windowGrid';

export interface OcclusionOptions {
  /** Window edge in mm (one value or per axis i, j, k). */
  windowMm: number | Vec3;
  /** Step between windows in mm; defaults to half the window. */
  strideMm?: number | Vec3;
}

/**
 * Occlusion sensitivity (Zeiler & Fergus 2014; Captum `Occlusion`, MONAI `OcclusionSensitivity`).
 *
 * Each window of the grid (`windowGrid`) is replaced by the substrate; a voxel's saliency is
 * the mean target drop (baseline − perturbed) over the windows covering it, in target units.
 *
 * Cost: 1 + P forward passes, P = number of windows overlapping the ROI
 * (Π over axes of the positions kept), in ⌈P / batchSize⌉ calls.
 */
export const occlusion: PerturbationMethod<OcclusionOptions> = {
  id: 'occlusion',
  label: 'Occlusion',
  defaults: { windowMm: 20 },
  plan(context: PerturbationContext, options: OcclusionOptions): PerturbationPlan {
    const { image, roi, substrate } = context;
    const { dimensions, spacing } = image;
    const window = mmToVoxels(options.windowMm, spacing, dimensions);
    const strideMm =
      options.strideMm ??
      (typeof options.windowMm === 'number'
        ? options.windowMm / 2
        : (options.windowMm.map((w) => w / 2) as Vec3));
    const stride = mmToVoxels(strideMm, spacing, dimensions);
    const axes = windowGrid(dimensions, window, stride, roi);
    const counts = axes.map((a) => a.starts.length);
    const count = counts[0] * counts[1] * counts[2];
    const voxels = image.data.length;

    const windowBox = (index: number): Box => {
      const i = index % counts[0];
      const j = Math.floor(index / counts[0]) % counts[1];
      const k = Math.floor(index / (counts[0] * counts[1]));
      return {
        min: [axes[0].starts[i], axes[1].starts[j], axes[2].starts[k]],
        max: [axes[0].ends[i], axes[1].ends[j], axes[2].ends[k]],
      };
    };
    const scores = new Float64Array(count);

    return {
      count,
      write(index, out) {
        out.set(image.data);
        forEachVoxelInBox(windowBox(index), dimensions, (v) => {
          out[v] = substrate[v];
        });
      },
      receive(index, score) {
        scores[index] = score;
      },
      finish(baselineScore) {
        const dropSum = new Float64Array(voxels);
        const coverage = new Uint32Array(voxels);
        for (let index = 0; index < count; index++) {
          const drop = baselineScore - scores[index];
          forEachVoxelInBox(windowBox(index), dimensions, (v) => {
            dropSum[v] += drop;
            coverage[v] += 1;
          });
        }
        const saliency = new Float32Array(voxels);
        forEachVoxelInBox(roi, dimensions, (v) => {
          if (coverage[v] > 0) saliency[v] = dropSum[v] / coverage[v];
        });
        return saliency;
      },
    };
  },
};
