import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { METHODS } from '../../extension/src/engine/methods';
import { DEFAULT_SETTINGS } from '../../extension/src/ohif/panelState';
import { DeclaredParameters } from '../../extension/src/panel/DeclaredParameters';
import { WorkerRequest } from '../../extension/src/worker/messages';
import { setup } from './helpers/fakeViewer';

/* eslint-disable @typescript-eslint/no-explicit-any */

describe('the panel shows and sends the parameters each method declares', () => {
  const render = (settings: typeof DEFAULT_SETTINGS) =>
    renderToStaticMarkup(createElement(DeclaredParameters, { settings, onChange: () => undefined }));

  it.each(['rise', 'lime'] as const)('%s: one field per declared parameter, at its default', (method) => {
    const html = render({ ...DEFAULT_SETTINGS, method });
    for (const parameter of METHODS[method].parameters) {
      expect(html).toContain(`data-cy="xai-option-${parameter.key}"`);
      expect(html).toContain(parameter.label.replace(/&/g, '&amp;'));
    }
    expect(html.match(/data-cy="xai-option-/g)?.length ?? 0).toBe(METHODS[method].parameters.length);
  });

  it('shows the value the user set', () => {
    const html = render({
      ...DEFAULT_SETTINGS,
      method: 'lime',
      methodOptions: { lime: { featureSizeMm: 7 } },
    });
    expect(html).toMatch(/data-cy="xai-option-featureSizeMm"[^>]*value="7"/);
  });

  it("sends the chosen method's values only, by name, in the request", async () => {
    (globalThis as any).location = { href: 'http://localhost/xai-clip' };
    const { controller, worker } = setup();
    controller.updateSettings({
      methodOptions: { lime: { featureSizeMm: 7 }, rise: { keepProbability: 0.3 } },
    });
    await controller.explain({ method: 'lime' });
    await controller.explain({ method: 'occlusion' });
    const requests = worker.requests.filter((r) => r.type === 'explain') as Extract<
      WorkerRequest,
      { type: 'explain' }
    >[];
    expect(requests.map((r) => r.request.methodOptions)).toEqual([{ featureSizeMm: 7 }, undefined]);
  });
});
