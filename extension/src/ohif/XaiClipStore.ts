import { PanelState } from './panelState';

/** The panel's state: one immutable snapshot, replaced on every change and pushed to subscribers. */
export class XaiClipStore {
  private readonly listeners = new Set<(state: PanelState) => void>();

  constructor(public state: PanelState) {}

  subscribe(listener: (state: PanelState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A new `message` without its own details drops the previous message's details. */
  set(partial: Partial<PanelState>): void {
    const details =
      'message' in partial && !('messageDetails' in partial) ? { messageDetails: undefined } : {};
    this.state = { ...this.state, ...details, ...partial };
    this.listeners.forEach((listener) => listener(this.state));
  }

  setSettings(patch: Partial<PanelState['settings']>): void {
    this.set({ settings: { ...this.state.settings, ...patch } });
  }
}
