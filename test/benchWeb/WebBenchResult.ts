/** One timed explanation in the viewer. */
export interface WebRun {
  scope: 'slice' | 'slab';
  status: string;
  passes: number;
  /** The explanation's own time (report.explainMs). */
  explainMs: number;
  msPerPass: number;
  /** From the click to the run's end. */
  wallMs: number;
  /** The first running map: after the ROI was known, and after the click. */
  firstSaliencyAfterRoiMs: number | null;
  firstSaliencyAfterClickMs: number | null;
  batchSize: number;
  /** Explanation time per pass over ONNX Runtime's own per pass at that batch (the auto batch's timing); null without one. */
  overhead: number | null;
  /** Wheel slice steps while it ran: ms from the wheel event to the viewport's next frame. */
  sliceStepMs: number[];
  /** The tab's highest PSS sampled (every second) while it ran, MB. */
  peakPssMb: number;
}

/** The viewer with one WASM thread setting. */
export interface WebConfigResult {
  /** WASM threads asked for (null: the extension's choice) and got. */
  threadsAsked: number | null;
  threads: number;
  crossOriginIsolated: boolean;
  backend: string;
  fallbackReason?: string;
  /** Wheel slice steps with nothing running: before any overlay, and after the run with its overlay shown. */
  idleSliceStepMs: number[];
  overlaySliceStepMs: number[];
  /** The panel's estimate for the organ slab at its defaults (passes, ms at the speed just measured). */
  slabEstimate: { passes: number; ms: number | null };
  slice: WebRun;
  slab?: WebRun;
  /** The tab's PSS (MB) before the first run, after the slice run (and slab), and after a cancelled slab. */
  memory: { beforeMb: number; afterRunMb: number; afterCancelMb: number; cancelledSlabPeakMb: number };
  /** Slice steps while the cancelled slab ran. */
  cancelledSlabSliceStepMs: number[];
}

/** `npm run bench:web`'s result (JSON), written beside its markdown. */
export interface WebBenchResult {
  startedAt: string;
  totalMs: number;
  machine: { cpus: number; cpuModel: string; loadAverage: number[]; node: string; browser: string };
  model: string;
  study: string;
  /** Slice k (volume order) explained: the one with the most ground-truth liver. */
  slice: number;
  settings: {
    organ: string;
    method: string;
    roi: string;
    windowMm: number;
    strideMm: number;
    coarseToFine: boolean;
  };
  memoryMethod: string;
  configs: WebConfigResult[];
  /** The Node CLI (onnxruntime-node) on the same model, slice and settings. */
  cli?: { passes: number; explainMs: number; msPerPass: number; overhead: number | null; threads: string };
  checks: { name: string; value: string; target: string; ok: boolean }[];
}
