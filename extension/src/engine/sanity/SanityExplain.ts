import { ExplainOptions, ExplainResult } from '../explain/explainVolume';
import { SegmentationModel } from '../model/SegmentationModel';

/** The explanation under test, run again on `model` with some options changed (progress and cancel shared). */
export type SanityExplain = (
  model: SegmentationModel,
  changed?: Partial<ExplainOptions>,
) => Promise<ExplainResult>;
