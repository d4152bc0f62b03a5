import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { explainRequestOf } from '../../extension/src/ohif/explainRequestOf';
import { DEFAULT_SETTINGS, PanelSettings } from '../../extension/src/ohif/panelState';
import { SettingsForm } from '../../extension/src/panel/SettingsForm';

describe('the panel’s slice stride and coarse-to-fine defaults', () => {
  const render = (settings: PanelSettings) =>
    renderToStaticMarkup(
      createElement(SettingsForm, { settings, classes: ['liver'], target: null, onChange: () => undefined }),
    );

  it('runs occlusion coarse-to-fine, and a slab at the auto stride, by default', () => {
    expect(DEFAULT_SETTINGS.coarseToFine).toBe(true);
    expect(DEFAULT_SETTINGS.sliceStride).toBe('auto');
    expect(explainRequestOf({ ...DEFAULT_SETTINGS, scope: 'slab' }, 3)).toMatchObject({
      coarseToFine: true,
      sliceStride: 'auto',
    });
  });

  it.each(['slab', 'volume'] as const)('shows the stride for scope %s and sends what is chosen', (scope) => {
    const html = render({ ...DEFAULT_SETTINGS, scope, sliceStride: 3 });
    expect(html).toMatch(/data-cy="xai-slice-stride"/);
    expect(html).toMatch(/<option value="3" selected="">Every 3rd slice<\/option>/);
    expect(explainRequestOf({ ...DEFAULT_SETTINGS, scope, sliceStride: 3 }, 0).sliceStride).toBe(3);
  });

  it('has no stride for one slice', () => {
    expect(render({ ...DEFAULT_SETTINGS, scope: 'slice' })).not.toMatch(/xai-slice-stride/);
    expect(explainRequestOf({ ...DEFAULT_SETTINGS, scope: 'slice', sliceStride: 3 }, 0)).not.toHaveProperty(
      'sliceStride',
    );
  });
});
