/**
 * Publish–subscribe with typed event names and payloads. As OHIF's PubSubService does, an unknown
 * name is refused, so a listener cannot wait forever on a misspelt event.
 */
export class EventChannel<Payloads extends object> {
  private readonly listeners = new Map<keyof Payloads, Set<(payload: never) => void>>();

  constructor(names: readonly (keyof Payloads)[]) {
    names.forEach((name) => this.listeners.set(name, new Set()));
  }

  subscribe<E extends keyof Payloads>(
    event: E,
    listener: (payload: Payloads[E]) => void,
  ): { unsubscribe(): void } {
    const listeners = this.listeners.get(event);
    if (!listeners) throw new Error(`There is no XAI-CLIP event "${String(event)}".`);
    listeners.add(listener);
    return { unsubscribe: () => listeners.delete(listener) };
  }

  protected emit<E extends keyof Payloads>(event: E, payload: Payloads[E]): void {
    this.listeners.get(event)!.forEach((listener) => (listener as (payload: Payloads[E]) => void)(payload));
  }
}
