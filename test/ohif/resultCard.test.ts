import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { ResultCard } from '../../extension/src/panel/ResultCard';
import { ExplanationReport } from '../../extension/src/runtime/reportOf';

describe('the result card', () => {
  const report = (skippedPasses: number): ExplanationReport => ({
    model: 'chaos-ct-segformer',
    organ: 'liver',
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
  const render = (skipped: number) =>
    renderToStaticMarkup(createElement(ResultCard, { report: report(skipped) }));

  it('counts the perturbations skipped because they changed nothing the model sees', () => {
    expect(render(7)).toMatch(
      /190 forward passes · 4\.2 s<span data-cy="xai-skipped"[^>]*> · 7 skipped<\/span>/,
    );
  });

  it('says nothing of skipping when nothing was skipped', () => {
    expect(render(0)).not.toContain('skipped');
  });

  it('counts the slices a slice stride interpolated, and names them on hover', () => {
    const slab = {
      ...report(0),
      scope: 'slab' as const,
      slices: [10, 11, 12, 13, 14],
      interpolatedSlices: [11, 12, 13],
    };
    const html = renderToStaticMarkup(createElement(ResultCard, { report: slab }));
    expect(html).toMatch(
      /Slices: 10–14<span data-cy="xai-interpolated" title="Interpolated: 11, 12, 13"> \(3 interpolated between perturbed ones\)<\/span>/,
    );
    expect(render(0)).not.toContain('interpolated');
  });
});
