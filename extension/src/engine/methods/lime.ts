import { forEachVoxelInBox } from '../volume/Box';
import { createRandom } from '../util/random';
import { solveRidge } from '../util/solveRidge';
import { limeFeatures } from './limeFeatures';
import { PerturbationContext, PerturbationMethod, PerturbationPlan } from './PerturbationMethod';
import { surrogateHeldOutR2 } from './surrogateHeldOutR2';

export interface LimeOptions {
  /** Number of random on/off samples (unless `samplesPerFeature` sets it). */
  samples: number;
  /**
   * Samples per feature; > 0 sets the sample count to ⌈samplesPerFeature × features⌉ instead of
   * `samples`, so a full-image run (more features) gets as many samples per feature as an ROI run.
   * 0: `samples` samples.
   */
  samplesPerFeature?: number;
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
 * (the superpixels or cells of the whole image cut to the ROI, `limeFeatures`),
 * each sample switches every feature off (substrate) with probability ½, and a weighted
 * ridge regression of the target on the on/off vector gives one coefficient per feature,
 * written to its voxels. Sample weights: √exp(−d²/w²), d = cosine distance to all-on.
 * The unperturbed pass joins the fit as the all-on sample at no extra cost.
 * Sample i depends only on (seed, i), so batching never changes the result. The finished fit
 * reports its held-out R² (`surrogateHeldOutR2`, 5-fold): how far the linear surrogate, and so
 * the map, can be trusted.
 *
 * Cost: 1 + nSamples forward passes in ⌈nSamples / batchSize⌉ calls (nSamples = `samples`, or
 * `samplesPerFeature` × F), plus six ridge fits over F features (the map's and five folds').
 */
export const lime: PerturbationMethod<LimeOptions> = {
  id: 'lime',
  label: 'LIME',
  seeded: true,
  defaults: {
    samples: 500,
    samplesPerFeature: 0,
    features: 'slic',
    featureSizeMm: 15,
    kernelWidth: 0.25,
    ridgeLambda: 1,
  },
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
    {
      key: 'samplesPerFeature',
      label: 'Samples per feature',
      help: 'Samples per feature, so more features get more samples (overrides the sample count); 0: use the sample count',
      kind: 'number',
      min: 0,
      max: 1000,
    },
  ],
  plan(context: PerturbationContext, options: LimeOptions): PerturbationPlan {
    const { image, roi, substrate, seed } = context;
    const { labels, count: featureCount } = limeFeatures(context, options.features, options.featureSizeMm);
    const perFeature = options.samplesPerFeature ?? 0;
    const count = perFeature > 0 ? Math.ceil(perFeature * featureCount) : options.samples;
    const states = new Uint8Array(count * featureCount);
    const scores = new Float64Array(count);
    const stateOf = (index: number) => states.subarray(index * featureCount, (index + 1) * featureCount);
    let received = 0;
    let heldOutR2: number | undefined;
    /** The surrogate's fit data over samples 0 … known − 1 and the all-on sample (last). */
    const fitOf = (baselineScore: number, known: number) => {
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
      return { design, rows, targets, weights };
    };
    /** The surrogate fitted on `fitOf`'s samples, written to its features' voxels. */
    const mapOf = ({ design, rows, targets, weights }: ReturnType<typeof fitOf>): Float32Array => {
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
      finish(baselineScore) {
        const fit = fitOf(baselineScore, count);
        const { design, rows, targets, weights } = fit;
        heldOutR2 = surrogateHeldOutR2(design, rows, featureCount, targets, weights, options.ridgeLambda);
        return mapOf(fit);
      },
      surrogateR2: () => heldOutR2,
      // Scores arrive in index order; one ridge fit per estimate, which the caller paces.
      partial: (baselineScore) => mapOf(fitOf(baselineScore, received)),
    };
  },
};
