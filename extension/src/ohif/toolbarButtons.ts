import { commandNames, explainButtonId } from '../id';

/** The toolbar's Explain: the panel's settings on the active viewport (the `xaiExplain` command). */
export const toolbarButtons = [
  {
    id: explainButtonId,
    uiType: 'ohif.toolButton',
    props: {
      icon: 'tab-segmentation',
      label: 'Explain',
      tooltip: 'XAI-CLIP: explain the segmentation of the selected organ',
      commands: { commandName: commandNames.explain, commandOptions: {} },
      evaluate: 'evaluate.action',
    },
  },
];
