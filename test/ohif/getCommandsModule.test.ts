import { commandNames } from '../../extension/src/id';
import { getCommandsModule } from '../../extension/src/ohif/getCommandsModule';
import { setup } from './helpers/fakeViewer';

/* eslint-disable @typescript-eslint/no-explicit-any */

describe('getCommandsModule (the commands OHIF runs)', () => {
  beforeAll(() => {
    (globalThis as any).location = { href: 'http://localhost/xai-clip' };
  });

  it('defines each command once: every name of commandNames, its definition running its action', () => {
    const { controller } = setup();
    const module = getCommandsModule(() => controller);
    expect(Object.keys(module.actions).sort()).toEqual(Object.values(commandNames).sort());
    for (const [name, action] of Object.entries(module.actions))
      expect(module.definitions[name].commandFn).toBe(action);
    expect(module.defaultContext).toBe('VIEWER');
  });

  it('explains with overrides, then reads the state and the result: maps and layout, no voxels kept', async () => {
    const { controller } = setup();
    const { definitions } = getCommandsModule(() => controller);
    const run = (name: string, options: object = {}) => (definitions[name].commandFn as any)(options);
    const report = await run(commandNames.explain, { organ: 'liver', levels: 4 });
    expect(report).toMatchObject({ organ: 'liver' });
    expect(run(commandNames.getState)).toMatchObject({ status: 'done', report });
    const result = run(commandNames.getResult);
    expect(result.saliency).toBeInstanceOf(Float32Array);
    expect(result.organMask).toBeInstanceOf(Uint8Array);
    expect(Object.keys(result.series).sort()).toEqual(['dimensions', 'displaySet', 'imageIds', 'viewportId']);
  });

  it('reads the active volume and inspects a slice on the series’ model', async () => {
    const { controller, worker } = setup();
    const { definitions } = getCommandsModule(() => controller);
    const volume = await (definitions[commandNames.readActiveVolume].commandFn as any)({});
    expect(volume.dimensions).toEqual([4, 3, 2]);
    const inspection = await (definitions[commandNames.inspectSlice].commandFn as any)({ slice: 1 });
    expect(inspection.labels).toBeInstanceOf(Uint8Array);
    expect(worker.requests[0]).toMatchObject({
      type: 'inspect',
      slice: 1,
      manifestUrl: 'http://localhost/models/ct/manifest.json',
    });
  });
});
