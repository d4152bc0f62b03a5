import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { ResultCard } from '../../extension/src/panel/ResultCard';
import { ExplanationReport } from '../../extension/src/runtime/reportOf';
import { viewerSlicesOf } from '../../extension/src/ohif/viewerSlices';

describe('the result card', () => {
  const report = (skippedPasses: number): ExplanationReport => ({
    model: 'chaos-ct-segformer',
    organ: 'liver',
    explainedTarget: { kind: 'organ' },
    targetLabel: 'liver',
    method: 'occlusion',
    methodOptions: {},
    scope: 'slice',
    backend: 'wasm',
    passes: 190,
    skippedPasses,
    calls: 24,
    explainMs: 4200,
    slices: [40],
    roi: { source: 'clip', voxels: 900, fraction: 0.2 },
    roiBoxes: [],
    outsideRanked: true,
    batch: { size: 8 },
    notes: [],
  });
  // A series stored head first: the viewer's stack (its "n/78") runs against volume order k.
  const imageIds = Array.from({ length: 78 }, (_, k) => `img:${k}`);
  const stack = [...imageIds].reverse();
  const card = (shown: ExplanationReport) =>
    renderToStaticMarkup(
      createElement(ResultCard, { report: shown, slices: viewerSlicesOf(shown, imageIds, stack) }),
    );
  const render = (skipped: number) => card(report(skipped));

  it('counts the perturbations skipped because they changed nothing the model sees', () => {
    expect(render(7)).toMatch(
      /190 forward passes · 4\.2 s<span data-cy="xai-skipped"[^>]*> · 7 skipped<\/span>/,
    );
  });

  it('says nothing of skipping when nothing was skipped', () => {
    expect(render(0)).not.toContain('skipped');
  });

  it("shows LIME's held-out R², and nothing of it for a method without a surrogate", () => {
    const lime = { ...report(0), method: 'lime' as const, surrogateR2: 0.8123 };
    expect(card(lime)).toMatch(
      /<div data-cy="xai-surrogate-r2"[^>]*>Surrogate fit: held-out R² 0\.81<\/div>/,
    );
    expect(render(0)).not.toContain('xai-surrogate-r2');
  });

  it('numbers the slice as the viewer does (volume slice 40 is its 38/78)', () => {
    expect(render(0)).toMatch(/<div data-cy="xai-slices"[^>]*>Slice 38 of 78<\/div>/);
  });

  it('counts the slices a slice stride interpolated, and names them on hover', () => {
    const slab = {
      ...report(0),
      scope: 'slab' as const,
      slices: [10, 11, 12, 13, 14],
      interpolatedSlices: [11, 12, 13],
    };
    expect(card(slab)).toMatch(
      /Slices 64–68 of 78<span data-cy="xai-interpolated" title="Interpolated: 65, 66, 67"> \(3 interpolated between perturbed ones\)<\/span>/,
    );
    expect(render(0)).not.toContain('interpolated');
  });
});
