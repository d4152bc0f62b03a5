import { ExplainRequest } from '../runtime/runExplanation';
import { PartialSaliency } from '../engine/explain/PartialSaliencySchedule';
import { Vec3 } from '../engine/volume/Volume';
import { ExplanationReport } from '../runtime/reportOf';
import { OrganSurvey } from '../runtime/surveyOrgan';
import { FaithfulnessReport } from '../runtime/faithfulness/FaithfulnessReport';
import { FaithfulnessInput, FaithfulnessOptions } from '../runtime/faithfulness/runFaithfulness';
import { SanityReport } from '../engine/sanity/SanityReport';
import { SanitySettings } from '../runtime/runSanityChecks';

/** A volume as it crosses to the worker. */
export interface VolumeMessage {
  data: ArrayBufferView;
  dimensions: Vec3;
  spacing: Vec3;
  origin: Vec3;
  direction: number[];
}

/** The model a request runs on. */
interface ModelChoice {
  manifestUrl: string;
  executionProviders: string[];
  /** WASM threads the app asks for (read at the worker's first model load); unset: wasmThreadCount's choice. */
  wasmThreads?: number;
}

/**
 * A post-run analysis of a finished map, by name, with its options: each analysis a member
 * (runs on the run's own target, see `AnalysedRun`).
 */
export type AnalysisRequest =
  | { analysis: 'faithfulness'; options: FaithfulnessOptions }
  /** The run is explained again (its reference map) and checked against reruns (runSanityChecks). */
  | { analysis: 'sanity'; options: SanitySettings };

/** What an analysis found, by the same name. */
export type AnalysisResult =
  { analysis: 'faithfulness'; figures: FaithfulnessReport } | { analysis: 'sanity'; figures: SanityReport };

/** The finished run an analysis measures: its request, map, ROI and report. */
export type AnalysedRun = FaithfulnessInput;

/** Main thread → worker. */
export type WorkerRequest =
  | ({
      type: 'explain';
      id: number;
      request: ExplainRequest;
      volume: VolumeMessage;
      /** Auto batch sizes an earlier worker tuned (runExplanation's batchSizes), so that a new one need not tune again. */
      batchSizes: [string, number][];
      /** Send running maps (`partial` messages) while the run goes on. */
      runningMaps: boolean;
    } & ModelChoice)
  /** Where the organ is, slice by slice (`surveyOrgan`): for the panel's line before a run. */
  | ({ type: 'survey'; id: number; organ: string; volume: VolumeMessage } & ModelChoice)
  /** Slice k's network input and label map: what the viewer–CLI parity checks compare. */
  | ({ type: 'inspect'; id: number; slice: number; volume: VolumeMessage } & ModelChoice)
  /** Analyses a finished run on the same model and volume (`AnalysisRequest`); answered by `analysis`. */
  | ({ type: 'analyse'; id: number; volume: VolumeMessage; run: AnalysedRun } & AnalysisRequest & ModelChoice)
  | { type: 'cancel'; id: number }
  /** The user wheeled, pressed a key or a pointer in the viewer: model calls wait until it is quiet. */
  | { type: 'viewerActivity' };

/** The requests that run a model (and get an answer): all but cancel and viewerActivity. */
export type ModelRequest = Exclude<WorkerRequest, { type: 'cancel' } | { type: 'viewerActivity' }>;

/** Slice k as the network receives it and as the model labels it. */
export interface SliceInspection {
  networkInput: Float32Array;
  labels: Uint8Array;
}

/** Worker → main thread. */
export type WorkerResponse =
  | { type: 'stage'; id: number; stage: string }
  | {
      type: 'model';
      id: number;
      backend: string;
      fallbackReason?: string;
      classes: string[];
      /** onnxruntime-web's WASM threads in this worker. */
      threads: number;
    }
  | { type: 'progress'; id: number; done: number; total: number; etaMs: number | null }
  /** One explained image's running (or finished) map while the run goes on; the result follows. */
  | ({ type: 'partial'; id: number } & PartialSaliency)
  | {
      type: 'result';
      id: number;
      saliency: Float32Array;
      organMask: Uint8Array;
      /** A mask-shaped ROI's region on the volume grid (plane k: slice k's); absent for a box ROI. */
      roiMask?: Uint8Array;
      report: ExplanationReport;
      /** The worker's tuned batch sizes, this run's included. */
      batchSizes: [string, number][];
    }
  | { type: 'survey'; id: number; survey: OrganSurvey }
  | ({ type: 'analysis'; id: number } & AnalysisResult)
  | ({ type: 'inspection'; id: number } & SliceInspection)
  | {
      type: 'error';
      id: number;
      message: string;
      cancelled: boolean;
      /**
       * ONNX Runtime's threaded WASM failed to start: this worker cannot run models any more, and
       * a new one on one thread may. An explanation's volume buffer is handed back for that retry.
       */
      threadedInitFailed?: { volume?: ArrayBufferView };
    };
