import { SanityReport } from '../engine/sanity/SanityReport';
import { Progress } from '../engine/evaluate/ProgressTracker';
import { MethodId } from '../engine/methods/PerturbationMethod';
import { FaithfulnessReport } from '../runtime/faithfulness/FaithfulnessReport';
import { ExplanationReport } from '../runtime/reportOf';
import { resolveRequest } from '../runtime/resolveRequest';
import { OrganSurvey } from '../runtime/surveyOrgan';
import { SaliencyDisplay } from './OverlayManager';
import { RunSummary } from './RunRegistry';
import { SegmentChoice } from './segmentChoices';
import { Vec3 } from '../engine/volume/Volume';
import { SaliencyOverlay } from './writeSaliencyLabelmap';

export interface PanelSettings {
  organ: string;
  /**
   * What the organ score sums over: the whole predicted organ, the piece of it (connected
   * component) picked in the viewport, or a segment of a segmentation in the viewer.
   */
  target: 'organ' | 'piece' | 'segment';
  /** The segment a 'segment' target explains. */
  targetSegment?: SegmentChoice;
  method: MethodId;
  roi: 'clip' | 'mask' | 'none';
  /** The ROI as the organ's region or as its bounding box (the paper's). */
  roiShape: 'mask' | 'box';
  scope: 'slice' | 'slab' | 'volume';
  /** Slab and volume: perturb every k-th slice and interpolate between ('auto': about 16 mm apart). */
  sliceStride: number | 'auto';
  windowMm: number;
  strideMm: number;
  /** RISE masks or LIME samples; unset: the method's own default (its registry entry). */
  samples?: number;
  /** The saliency on screen: a continuous heatmap, or its `levels` as a labelmap (what a SEG saves). */
  display: SaliencyDisplay;
  levels: number;
  opacity: number;
  /** The heatmap is transparent below this fraction of the run's maximum saliency. */
  heatmapThreshold: number;
  /**
   * Occlusion: windows twice as large first, then the fine windows only where that saliency is
   * high (on by default: about a third fewer passes, the same top voxels; see README, Benchmark).
   */
  coarseToFine: boolean;
  /** Values set for each method's declared parameters (its registry `parameters`); unset: their defaults. */
  methodOptions: { [M in MethodId]?: Record<string, number | string> };
  /** Also show the outline of the ROI the perturbations were confined to. */
  showRoi: boolean;
  /** Also show the model's predicted organ mask. */
  showOrganMask: boolean;
  /**
   * What Save writes: the continuous saliency as a DICOM Parametric Map (pmap), or a DICOM SEG of
   * the saliency levels, of its top-k % mask or of the model's predicted organ mask.
   */
  segContent: 'pmap' | 'saliency' | 'topk' | 'organ';
  /** k of the top-k % mask (the most salient voxels of the explained slices). */
  segTopPercent: number;
  /** Binary SEG (…66.4, read everywhere) or label-map SEG (…66.7, smaller). */
  segType: 'binary' | 'labelmap';
  /** Faithfulness also measures a random order of the same voxels (twice the passes). */
  faithfulnessRandom: boolean;
}

/** Everything the panel shows; `xaiGetState` returns it. */
export interface PanelState {
  settings: PanelSettings;
  status: 'idle' | 'running' | 'done' | 'error' | 'cancelled';
  stage?: string;
  progress?: Progress;
  /** Running maps painted so far in this run (the "(refining)" overlay the result replaces). */
  partialUpdates?: number;
  message?: string;
  /** The whole account behind a one-line `message` (a save's outcome), behind the panel's "details". */
  messageDetails?: string;
  /** How the panel shows `message` when the status alone does not say (a save's outcome). */
  messageTone?: 'error' | 'success';
  /** A DICOM SEG is being built, downloaded and stored. */
  saving?: boolean;
  backend?: string;
  fallbackReason?: string;
  /** onnxruntime-web's WASM threads in the worker that ran the model. */
  threads?: number;
  /** The classes of the active series' model (its organs and background). */
  classes: string[];
  /** The current run's report (the result card's); none while a run goes on. */
  report?: ExplanationReport;
  /** The current run's faithfulness figures, once measured. */
  faithfulness?: FaithfulnessReport;
  /** The current run's sanity checks, once run. */
  sanity?: SanityReport;
  /** The current run's saliency overlay (the legend's); none while a run goes on. */
  overlay?: SaliencyOverlay;
  /** The session's runs, oldest first (the run list). */
  runs: RunSummary[];
  /** The current run: the visible run shown last, whose legend, card and SEG the panel shows. */
  currentRunId?: string;
  /** The two runs "compare" toggles between, once chosen. */
  comparedRuns?: [string, string];
  /** Segmentation ids of the current run's ROI and organ-mask overlays, when shown. */
  roiOverlay?: string;
  organOverlay?: string;
  /** Where the selected organ is in the active series (model and localiser), once surveyed. */
  survey?: SurveyState;
  /** Slice k (volume order) the active viewport shows. */
  currentSlice?: number;
  /** The point a 'piece' target was picked at (world, mm) and the slice k it was picked on. */
  targetPick?: { world: Vec3; slice: number };
  /** The viewport waits for the click that picks the piece. */
  picking?: boolean;
  /** The pieces (connected components) of the organ the model predicts on a slice, largest first: the pick list. */
  pieces?: OrganPieces;
  /** The segments of the viewer's segmentations a 'segment' target can explain. */
  segmentChoices: SegmentChoice[];
  /** A run held back until the user confirms it: the organ is doubtful on the slice, or it is long. */
  confirm?: { message: string };
  /** What Explain would cost with the settings on the slice shown, once the organ is surveyed. */
  cost?: RunCost;
}

/**
 * A run's estimated cost (runCostOf): its passes and, once this model has run on the backend,
 * their time; or why there is no estimate.
 */
export type RunCost =
  | {
      passes: number;
      /** Milliseconds at the measured speed; absent before the model's first run. */
      ms?: number;
      /** The backend that speed was measured on. */
      backend?: string;
    }
  | { error: string };

/** The pieces of `organ` the model predicts on slice k, each with a voxel inside it to pick it by (world, mm). */
export interface OrganPieces {
  organ: string;
  slice: number;
  list: { index: number; voxels: number; ml: number; world: Vec3 }[];
}

/** The organ survey of one series: running, done or failed. */
export interface SurveyState {
  displaySetInstanceUID: string;
  organ: string;
  result?: OrganSurvey;
  /** imageIds[k] of the surveyed series: where "Go to" sends the viewport. */
  imageIds: string[];
  /** stackPositions[k]: where slice k is in the viewport's stack (its numbering starts at 0 there too). */
  stackPositions: number[];
  error?: string;
}

const OCCLUSION_DEFAULTS = resolveRequest({
  organ: 'liver',
  method: 'occlusion',
  roi: 'none',
  scope: 'slice',
});

export const DEFAULT_SETTINGS: PanelSettings = {
  organ: 'liver',
  target: 'organ',
  method: 'occlusion',
  roi: 'clip',
  roiShape: 'mask',
  scope: 'slice',
  // A liver slab on CT within minutes in the browser (see README, Benchmark).
  sliceStride: 'auto',
  // Occlusion's window and stride as a request without them resolves them (the registry's).
  windowMm: OCCLUSION_DEFAULTS.windowMm!,
  strideMm: OCCLUSION_DEFAULTS.strideMm!,
  coarseToFine: true,
  methodOptions: {},
  display: 'heatmap',
  levels: 6,
  opacity: 0.5,
  heatmapThreshold: 0.15,
  showRoi: false,
  showOrganMask: false,
  segContent: 'pmap',
  segTopPercent: 5,
  segType: 'binary',
  faithfulnessRandom: true,
};
