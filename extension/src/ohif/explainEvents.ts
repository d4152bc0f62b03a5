import { Progress } from '../engine/evaluate/ProgressTracker';

/** What ExplainSession announces while it works; results come back as the promises its calls return. */
export const EXPLAIN_EVENTS = {
  /** An explanation moved on to a new stage ("Loading the model", "Locating …"). */
  EXPLAIN_STAGE: 'xaiClip.explain.stage',
  /** An explanation's model is loaded: the backend that runs it and the model's classes. */
  EXPLAIN_MODEL: 'xaiClip.explain.model',
  /** An explanation's forward passes done, of all it needs. */
  EXPLAIN_PROGRESS: 'xaiClip.explain.progress',
  /** A survey's model is loaded: the classes of the series' model. */
  SURVEY_MODEL: 'xaiClip.survey.model',
} as const;

export interface ModelInfo {
  backend: string;
  /** Why an earlier execution provider was not used. */
  fallbackReason?: string;
  classes: string[];
  /** onnxruntime-web's WASM threads. */
  threads: number;
}

export interface ExplainEventPayloads {
  [EXPLAIN_EVENTS.EXPLAIN_STAGE]: { stage: string };
  [EXPLAIN_EVENTS.EXPLAIN_MODEL]: ModelInfo;
  [EXPLAIN_EVENTS.EXPLAIN_PROGRESS]: Progress;
  [EXPLAIN_EVENTS.SURVEY_MODEL]: ModelInfo;
}
