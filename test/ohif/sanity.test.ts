import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { SanitySection } from '../../extension/src/panel/SanitySection';
import { WorkerRequest } from '../../extension/src/worker/messages';
import { setup } from './helpers/fakeViewer';

/* eslint-disable @typescript-eslint/no-explicit-any */

describe('sanity checks of the current run, from the panel', () => {
  beforeAll(() => {
    (globalThis as any).location = { href: 'http://localhost/xai-clip' };
  });

  it('asks the worker for the run’s sanity checks on its own request and keeps them with the run', async () => {
    const { controller, worker } = setup();
    await controller.explain({ organ: 'liver' });
    const report = await controller.checkSanity();
    const explain = worker.requests.find((r) => r.type === 'explain') as Extract<
      WorkerRequest,
      { type: 'explain' }
    >;
    const analyse = worker.requests.find((r) => r.type === 'analyse') as Extract<
      WorkerRequest,
      { type: 'analyse' }
    >;
    expect(analyse).toMatchObject({ analysis: 'sanity', options: {} });
    expect(analyse.run.request).toEqual(explain.request);
    expect(report).toBe(worker.sanity);
    expect(controller.store.state).toMatchObject({ status: 'done', sanity: worker.sanity });

    // A second run has none yet; showing the first again shows its checks.
    await controller.explain({ organ: 'liver' });
    expect(controller.store.state.sanity).toBeUndefined();
    await controller.showRun(controller.store.state.runs[0].id, true);
    expect(controller.store.state.sanity).toBe(worker.sanity);
  });

  it('is refused without a run, saying what to do', async () => {
    const { controller, worker } = setup();
    await expect(controller.checkSanity()).resolves.toBeUndefined();
    expect(controller.store.state.message).toBe('Explain first: the sanity checks rerun a finished run.');
    expect(worker.requests.filter((r) => r.type === 'analyse')).toHaveLength(0);
  });

  it('shows each check’s verdict, figures and sentence', () => {
    const { worker } = setup();
    const html = renderToStaticMarkup(
      createElement(SanitySection, { sanity: worker.sanity, busy: false, onCheck: () => undefined }),
    );
    expect(html).toContain(
      '<b>Parameter randomisation</b>: rank r per step (top layers first): 0.41, 0.05; passes below 0.3',
    );
    expect(html).toContain('<b>Input independence</b>: max |saliency| 0.0');
    expect(html.match(/data-cy="xai-sanity-status"[^>]*>(pass|warn|fail|not applicable)</g)).toHaveLength(3);
    expect(html).toContain('40 passes · 2.5 s');
  });
});
