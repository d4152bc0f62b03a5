import { forEachVoxelInBox } from '../volume/Box';
import { createRandom } from '../util/random';
import { slicSuperpixels } from '../util/slicSuperpixels';
import { solveRidge } from '../util/solveRidge';
import { gridFeatures } from './gridFeatures';
import { PerturbationContext, PerturbationMethod, PerturbationPlan } from './PerturbationMethod';

export interface LimeOptions {
  /** Number of random on/off samples. */
  samples: number;
  /** Interpretable features: SLIC superpixels or a regular grid of cells, inside the ROI. */
  features: 'slic' | 'grid';
  /** Superpixel / cell edge in mm. */
  featureSizeMm: number;
  /** Width of the exponential kernel on the cosine distance to the unperturbed sample. */
  kernelWidth: number;
  /** Ridge penalty of the surrogate linear model. */
  ridgeLambda: number;
}

/**
 * LIME (Ribeiro et al., KDD 2016; lime_image defaults): the ROI is split into features
 * (superpixels or cells of its box; for a mask-shaped ROI, their parts inside the region),
 * each sample switches every feature off (substrate) with probability ½, and a weighted
 * ridge regression of the target on the on/off vector gives one coefficient per feature,
 * written to its voxels. Sample weights: √exp(−d²/w²), d = cosine distance to all-on.
 * The unperturbed pass joins the fit as the all-on sample at no extra cost.
 * Sample i depends only on (seed, i), so batching never changes the result.
 *
 * Cost: 1 + nSamples forward passes in ⌈nSamples / batchSize⌉ calls, plus one ridge fit
 * over F features.
 */
export const lime: PerturbationMethod<LimeOptions> = {
  id: 'lime',
  label: 'LIME',
  seeded: true,
  defaults: { samples: 500, features: 'slic', featureSizeMm: 15, kernelWidth: 0.25, ridgeLambda: 1 },
  parameters: [
    {
      key: 'features',
      label: 'Features',
      help: 'Interpretable features inside the ROI: SLIC superpixels or grid cells',
      kind: 'choice',
      choices: ['slic', 'grid'],
    },
    {
      key: 'featureSizeMm',
      label: 'Feature size (mm)',
      help: 'Superpixel or cell edge in mm',
      kind: 'number',
      min: 1,
      max: 200,
    },
  ],
  plan(context: PerturbationContext, options: LimeOptions): PerturbationPlan {
    const { image, roi, roiMask, substrate, seed } = context;
    const { samples: count } = options;
    const features =
      options.features === 'slic'
        ? slicSuperpixels(image, { box: roi, regionSizeMm: options.featureSizeMm })
        : gridFeatures(image, roi, options.featureSizeMm);
    const { labels, count: featureCount } = roiMask ? featuresInMask(features, roiMask) : features;
    const states = new Uint8Array(count * featureCount);
    const scores = new Float64Array(count);
    const stateOf = (index: number) => states.subarray(index * featureCount, (index + 1) * featureCount);
    let received = 0;
    /** The surrogate fitted on samples 0 … known − 1 and the all-on sample, written to its features' voxels. */
    const mapOf = (baselineScore: number, known: number): Float32Array => {
      const rows = known + 1;
      // The unperturbed pass joins the fit as the last, all-on sample.
      const design = new Float64Array(rows * featureCount);
      design.set(states.subarray(0, known * featureCount));
      design.fill(1, known * featureCount);
      const targets = new Float64Array(rows);
      targets.set(scores.subarray(0, known));
      targets[known] = baselineScore;
      const weights = new Float64Array(rows);
      for (let r = 0; r < rows; r++) {
        let on = 0;
        for (let f = 0; f < featureCount; f++) on += design[r * featureCount + f];
        const distance = on > 0 ? 1 - on / Math.sqrt(on * featureCount) : 1;
        weights[r] = Math.sqrt(
          Math.exp(-(distance * distance) / (options.kernelWidth * options.kernelWidth)),
        );
      }
      const { coefficients } = solveRidge(design, rows, featureCount, targets, weights, options.ridgeLambda);
      const saliency = new Float32Array(image.data.length);
      forEachVoxelInBox(roi, image.dimensions, (v) => {
        const feature = labels[v];
        if (feature >= 0) saliency[v] = coefficients[feature];
      });
      return saliency;
    };

    return {
      count,
      write(index, out) {
        const state = stateOf(index);
        const random = createRandom((seed * 1000003 + index * 7919) >>> 0);
        for (let f = 0; f < featureCount; f++) state[f] = random() < 0.5 ? 0 : 1;
        out.set(image.data);
        forEachVoxelInBox(roi, image.dimensions, (v) => {
          const feature = labels[v];
          if (feature >= 0 && state[feature] === 0) out[v] = substrate[v];
        });
      },
      receive(index, score) {
        scores[index] = score;
        received = Math.max(received, index + 1);
      },
      finish: (baselineScore) => mapOf(baselineScore, count),
      // Scores arrive in index order; one ridge fit per estimate, which the caller paces.
      partial: (baselineScore) => mapOf(baselineScore, received),
    };
  },
};

/**
 * Features cut to a mask-shaped ROI's region: voxels outside it get −1, and the features left
 * without a voxel are dropped (renumbered), so no sample switches a feature that changes nothing.
 */
function featuresInMask(
  features: { labels: Int32Array; count: number },
  roiMask: Uint8Array,
): { labels: Int32Array; count: number } {
  const renumbered = new Int32Array(features.count).fill(-1);
  const labels = new Int32Array(features.labels.length).fill(-1);
  let count = 0;
  features.labels.forEach((label, v) => {
    if (label < 0 || !roiMask[v]) return;
    if (renumbered[label] < 0) renumbered[label] = count++;
    labels[v] = renumbered[label];
  });
  return { labels, count };
}
