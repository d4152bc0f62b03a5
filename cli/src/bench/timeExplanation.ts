import { Explanation, ExplanationPhase, runExplanation } from '@xai-clip/runtime';
import { benchRequest, RunKind } from './benchRequest';
import { BenchSlice } from './benchSlice';
import { withPeakMemory } from './peakMemory';

/** A timed explanation: its outcome and what it cost. */
export interface TimedRun {
  kind: RunKind;
  explanation: Explanation;
  /** ROI + explanation. */
  wallMs: number;
  cpuMs: number;
  /** ONNX Runtime time and images of the explanation phase alone (the mask ROI runs the segmenter too). */
  ortMs: number;
  ortImages: number;
  peakRssMb: number;
}

/** Runs `kinds` in turns `timingRepeats` times and keeps each one's fastest run. */
export async function fastestRuns(at: BenchSlice, kinds: RunKind[]): Promise<TimedRun[]> {
  const fastest: TimedRun[] = [];
  for (let repeat = 0; repeat < at.settings.timingRepeats; repeat++) {
    for (const [n, kind] of kinds.entries()) {
      const run = await timeRun(at, kind);
      if (!fastest[n] || run.wallMs < fastest[n].wallMs) fastest[n] = run;
    }
  }
  return fastest;
}

async function timeRun(at: BenchSlice, kind: RunKind): Promise<TimedRun> {
  const { stats, loaded } = at.model;
  let explainStart = { ms: stats.runMs, images: stats.items };
  const hooks = {
    onPhase: (phase: ExplanationPhase) => {
      if (phase === 'explain') explainStart = { ms: stats.runMs, images: stats.items };
    },
  };
  const begun = performance.now();
  const cpuBefore = process.cpuUsage();
  const { result: explanation, peakRssMb } = await withPeakMemory(() =>
    runExplanation(loaded, at.data.volume, benchRequest(at, kind), hooks),
  );
  const wallMs = performance.now() - begun;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    kind,
    explanation,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    ortMs: stats.runMs - explainStart.ms,
    ortImages: stats.items - explainStart.images,
    peakRssMb,
  };
}
