import React from 'react';
import { createRoot, Root } from 'react-dom/client';
import { panelName } from '../id';
import { XaiPanel } from '../panel/XaiPanel';
import { XaiClipController } from './XaiClipController';

/**
 * OHIF renders panels with its own React; ours is bundled, so the panel is a class component
 * (which any React can render) that mounts our React tree in its own root — a React island.
 */
function islandFor(getController: () => XaiClipController) {
  return class XaiClipPanelIsland extends React.Component {
    private root?: Root;
    private readonly container = React.createRef<HTMLDivElement>();

    override componentDidMount(): void {
      this.root = createRoot(this.container.current!);
      this.root.render(<XaiPanel controller={getController()} />);
    }

    override componentWillUnmount(): void {
      const root = this.root;
      // Unmounting synchronously while the host renders warns; defer it.
      setTimeout(() => root?.unmount());
    }

    override render() {
      return React.createElement('div', { ref: this.container, style: { height: '100%' } });
    }
  };
}

export function getPanelModule(getController: () => XaiClipController) {
  return [
    {
      name: panelName,
      iconName: 'tab-segmentation',
      iconLabel: 'XAI',
      label: 'XAI-CLIP',
      component: islandFor(getController),
    },
  ];
}
