/** The user's hand on the viewer: wheel steps, key presses, pointer presses and drags. */
const ACTIVITY_EVENTS = ['wheel', 'keydown', 'pointerdown', 'pointermove'] as const;

/**
 * Calls `onActivity` (at most every `throttleMs`) while the user works in the page: a wheel,
 * a key, a pointer press or a drag (a move with a button down). Returns the function that stops
 * watching. Without a DOM document (Node tests, a stand-in document) nothing is watched.
 */
export function watchViewerActivity(onActivity: () => void, throttleMs = 100): () => void {
  const target = globalThis.document as Document | undefined;
  if (typeof target?.addEventListener !== 'function') return () => undefined;
  let lastAt = -Infinity;
  const listener = (event: Event) => {
    if (event.type === 'pointermove' && !(event as PointerEvent).buttons) return;
    if (event.timeStamp - lastAt < throttleMs) return;
    lastAt = event.timeStamp;
    onActivity();
  };
  for (const type of ACTIVITY_EVENTS)
    target.addEventListener(type, listener, { capture: true, passive: true });
  return () => {
    for (const type of ACTIVITY_EVENTS) target.removeEventListener(type, listener, { capture: true });
  };
}
