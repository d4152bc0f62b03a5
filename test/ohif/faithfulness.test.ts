import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { FaithfulnessSection } from '../../extension/src/panel/FaithfulnessSection';
import { WorkerRequest } from '../../extension/src/worker/messages';
import { setup } from './helpers/fakeViewer';

/* eslint-disable @typescript-eslint/no-explicit-any */

describe('faithfulness of the current run, and its report', () => {
  beforeAll(() => {
    (globalThis as any).location = { href: 'http://localhost/xai-clip' };
  });

  it('asks the worker to analyse the run on its own request, map and report, and keeps the figures with the run', async () => {
    const { controller, worker } = setup();
    await controller.explain({ organ: 'liver' });
    const stages: (string | undefined)[] = [];
    const unsubscribe = controller.store.subscribe((state) => stages.push(state.stage));
    const figures = await controller.measureFaithfulness({ faithfulnessRandom: false });
    unsubscribe();
    expect(controller.store.state.settings.faithfulnessRandom).toBe(false);
    expect(figures).toMatchObject({ deletionAuc: 0.21, insertionAuc: 0.74 });
    const explain = worker.requests.find((r) => r.type === 'explain') as Extract<
      WorkerRequest,
      { type: 'explain' }
    >;
    const analyse = worker.requests.find((r) => r.type === 'analyse') as Extract<
      WorkerRequest,
      { type: 'analyse' }
    >;
    expect(analyse).toMatchObject({ analysis: 'faithfulness', options: { randomBaseline: false } });
    expect(analyse.run.request).toEqual(explain.request);
    expect(analyse.run.report.slices).toEqual([1]);
    expect(analyse.run.saliency[4 * 3 + 5]).toBe(1); // the run's map: slice 1, voxel 5
    expect(analyse.volume.dimensions).toEqual([4, 3, 2]);
    expect(stages).toContain('Faithfulness of the liver map: image 1 of 1');
    expect(controller.store.state).toMatchObject({ status: 'done', faithfulness: figures });

    // A second run has none yet; showing the first again shows its figures.
    await controller.explain({ organ: 'liver' });
    expect(controller.store.state.faithfulness).toBeUndefined();
    const [first] = controller.store.state.runs;
    await controller.showRun(first.id, true);
    expect(controller.store.state.faithfulness).toBe(figures);
  });

  it('is cancelled by Cancel, leaving the run as it was', async () => {
    const { controller, worker } = setup();
    await controller.explain();
    worker.holdAnalyses = true;
    const measuring = controller.measureFaithfulness();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(controller.store.state).toMatchObject({ status: 'running', progress: { done: 40, total: 125 } });
    controller.cancel();
    await expect(measuring).resolves.toBeUndefined();
    expect(worker.requests.at(-1)).toMatchObject({ type: 'cancel' });
    expect(controller.store.state).toMatchObject({ status: 'done', faithfulness: undefined });
    expect(controller.store.state.report).toBeDefined();
  });

  it('refuses without a run', async () => {
    const { controller, worker } = setup();
    await expect(controller.measureFaithfulness()).resolves.toBeUndefined();
    expect(controller.exportReport()).toBeUndefined();
    expect(controller.store.state.message).toBe('Explain first: the report describes a finished run.');
    expect(worker.requests.filter((r) => r.type === 'analyse')).toHaveLength(0);
  });

  it('downloads a report with the viewport’s picture, the figures and the model card', async () => {
    const { controller, viewport } = setup();
    (viewport as any).canvas = { toDataURL: () => 'data:image/png;base64,iVBORw0KGgo=' };
    (viewport as any).getCurrentImageIdIndex = () => 1;
    const files: { name: string; text: Promise<string> }[] = [];
    jest.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      files.push({ name: '', text: (blob as Blob).text() });
      return `blob:${files.length}`;
    });
    const realSetTimeout = setTimeout;
    jest
      .spyOn(globalThis, 'setTimeout')
      .mockImplementation(((callback: () => void, ms?: number) =>
        (ms ?? 0) >= 60000 ? 0 : realSetTimeout(callback, ms)) as unknown as typeof setTimeout);
    (globalThis as any).document = {
      body: { appendChild() {} },
      createElement: () => {
        const link: any = { style: {}, remove() {} };
        link.click = () => (files[files.length - 1].name = link.download);
        return link;
      },
    };
    await controller.explain();
    await controller.measureFaithfulness();
    const name = controller.exportReport();
    jest.restoreAllMocks();
    expect(name).toMatch(/^xai-clip-occlusion-liver-\d{12}\.html$/);
    expect(files.map((file) => file.name)).toEqual([name]);
    const html = await files[0].text;
    expect(html).toContain(
      '<img alt="The viewport with the run’s overlay, image 2/2" src="data:image/png;base64,iVBORw0KGgo=">',
    );
    expect(html).toContain('<td>0.210 (random order 0.550)</td>');
    expect(html).toContain('href="http://localhost/models/ct/MODEL_CARD.md"');
    expect(controller.store.state).toMatchObject({
      message: `Report saved as ${name}.`,
      messageTone: 'success',
    });
  });
});

describe('the faithfulness section', () => {
  const figures = {
    deletionAuc: 0.2134,
    insertionAuc: 0.7,
    pointingGame: { hits: 0, images: 1 },
    steps: 30,
    organMultiple: 3,
    images: [],
    passes: 63,
    ms: 2500,
    notes: ['Slice 4: the model predicts no liver; not measured.'],
  };
  const render = (props: object) =>
    renderToStaticMarkup(
      createElement(FaithfulnessSection, {
        images: 1,
        randomBaseline: true,
        busy: false,
        onRandomBaseline: () => undefined,
        onMeasure: () => undefined,
        ...props,
      }),
    );

  it('says the passes the measurement costs, and twice them with the random order', () => {
    expect(render({})).toContain('Faithfulness (125 passes)');
    expect(render({ randomBaseline: false, images: 3 })).toContain('Faithfulness (189 passes)');
    expect(render({})).toContain('up to 3× the explained target');
    expect(render({})).not.toContain('xai-faithfulness-figures');
  });

  it('shows the AUCs (with the random order when measured), the pointing game, passes and time, and notes', () => {
    const html = render({ figures });
    expect(html).toContain('<td>Deletion AUC (lower better)</td><td>0.213</td>');
    expect(html).toContain('miss (maximum outside the target)');
    expect(html).toContain('63 passes · 2.5 s');
    expect(html).toContain('Slice 4: the model predicts no liver');
    const withRandom = render({ figures: { ...figures, random: { deletionAuc: 0.5, insertionAuc: 0.31 } } });
    expect(withRandom).toContain('<td>Insertion AUC (higher better)</td><td>0.700 (random 0.310)</td>');
  });
});
