/** A check's verdict; "not applicable" where the check cannot say anything (e.g. repeats of a deterministic method). */
export type SanityStatus = 'pass' | 'warn' | 'fail' | 'not applicable';

/** One sanity check: its verdict, the figures behind it, and the verdict in one sentence. */
export interface SanityCheck<F> {
  status: SanityStatus;
  figures: F;
  summary: string;
}

/** One step of the cascading randomisation: the layers it randomised (on top of the steps before). */
export interface RandomisationStep {
  layers: string[];
  /** Spearman rank correlation of this step's map with the original's over the explained voxels. */
  spearman: number | null;
}

export interface RandomisationFigures {
  steps: RandomisationStep[];
  /** The last step's correlation must fall below this to pass. */
  threshold: number;
}

export interface IndependenceFigures {
  /** max |saliency| of the same explanation of a model whose output ignores its input. */
  maxAbsSaliency: number;
}

export interface RepeatFigures {
  /** The seeds of the original run and its repeats. */
  seeds: number[];
  /** Mean Pearson r over the pairs of their maps (explained voxels); null when not run or a map is flat. */
  meanPearson: number | null;
  /** The mean must reach this to pass. */
  threshold: number;
}

/**
 * The sanity checks of one explanation (Adebayo et al. 2018 and self-tests): whether its map
 * depends on the model's parameters, is 0 for a model that ignores its input, and is stable
 * across seeds. Correlations are over `voxels`.
 */
export interface SanityReport {
  /** Which voxels the correlations are taken over, in words, and how many. */
  voxels: string;
  voxelCount: number;
  /** Absent when the model's parameters could not be randomised (no model file). */
  parameterRandomisation?: SanityCheck<RandomisationFigures>;
  inputIndependence: SanityCheck<IndependenceFigures>;
  repeatStability: SanityCheck<RepeatFigures>;
  /** Forward passes the checks ran, and their time. */
  passes: number;
  wallMs: number;
}
