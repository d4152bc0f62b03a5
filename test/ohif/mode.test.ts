import mode from '../../mode/src/index';
import { commandNames, explainButtonId, panelId, toolbarButtonsId } from '../../extension/src/id';
import { getCustomizationModule } from '../../extension/src/ohif/getCustomizationModule';

/* eslint-disable @typescript-eslint/no-explicit-any */

describe('The XAI-CLIP mode and the extension share their ids', () => {
  const basic = {
    onModeEnter: jest.fn(),
    extensions: { '@ohif/extension-default': '^3.0.0' },
    toolbarButtons: [{ $reference: 'cornerstone.toolbarButtons' }],
  };
  const instance = () => mode.modeFactory({ loadModules: async () => [{ modeInstance: basic }] }) as any;

  it("composes OHIF's toolbar buttons with the extension's Explain button, which runs xaiExplain", async () => {
    const { toolbarButtons } = await instance();
    expect(toolbarButtons).toEqual([
      { $reference: 'cornerstone.toolbarButtons' },
      { $reference: toolbarButtonsId },
    ]);
    const [{ name, value }] = getCustomizationModule();
    expect(name).toBe('default');
    expect(value[toolbarButtonsId]).toEqual([
      expect.objectContaining({
        id: explainButtonId,
        props: expect.objectContaining({
          commands: { commandName: commandNames.explain, commandOptions: {} },
        }),
      }),
    ]);
  });

  it('puts the Explain button at the end of the primary toolbar after the basic mode set it up', async () => {
    const updateSection = jest.fn();
    const args = { servicesManager: { services: { toolbarService: { updateSection } } } };
    (await instance()).onModeEnter.call({}, args);
    expect(basic.onModeEnter).toHaveBeenCalledWith(args);
    expect(updateSection).toHaveBeenCalledWith('primary', [explainButtonId]);
  });

  it("lists the extension's panel first on the right", async () => {
    const { routes } = await instance();
    expect(routes[0].layoutInstance.props.rightPanels[0]).toBe(panelId);
  });
});
