import { PanelState } from './panelState';

/** The panel's state: one immutable snapshot, replaced on every change and pushed to subscribers. */
export class XaiClipStore {
  private readonly listeners = new Set<(state: PanelState) => void>();

  constructor(public state: PanelState) {}

  subscribe(listener: (state: PanelState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  set(partial: Partial<PanelState>): void {
    this.state = { ...this.state, ...partial };
    this.listeners.forEach((listener) => listener(this.state));
  }

  setSettings(patch: Partial<PanelState['settings']>): void {
    this.set({ settings: { ...this.state.settings, ...patch } });
  }
}
