import { Vec3 } from '../engine/volume/Volume';
import { CornerstoneViewport } from './ohifTypes';

/** A press and release closer than this (CSS pixels) is a click; farther, a drag (window/level, pan). */
const CLICK_TOLERANCE_PX = 4;

/**
 * The world position (mm) of the user's next click on `viewport`: a press and release at almost
 * the same place, so the drags of the active tool (window/level, pan, zoom) do not pick. Rejects
 * with an AbortError when `signal` aborts (the user picks again, or leaves the mode).
 */
export function pickViewportPoint(viewport: CornerstoneViewport, signal: AbortSignal): Promise<Vec3> {
  const { element } = viewport;
  if (!element || !viewport.canvasToWorld) {
    return Promise.reject(
      new Error('The active viewport cannot be clicked on; show the series in a 2-D viewport.'),
    );
  }
  return new Promise((resolve, reject) => {
    let pressed: { x: number; y: number } | undefined;
    const onDown = (event: PointerEvent) => (pressed = { x: event.clientX, y: event.clientY });
    const onUp = (event: PointerEvent) => {
      if (!pressed) return;
      const moved = Math.hypot(event.clientX - pressed.x, event.clientY - pressed.y);
      pressed = undefined;
      if (moved > CLICK_TOLERANCE_PX) return;
      const box = element.getBoundingClientRect();
      stop();
      resolve(viewport.canvasToWorld!([event.clientX - box.left, event.clientY - box.top]));
    };
    const onAbort = () => {
      stop();
      reject(new DOMException('The pick was cancelled.', 'AbortError'));
    };
    const stop = () => {
      element.removeEventListener('pointerdown', onDown, true);
      element.removeEventListener('pointerup', onUp, true);
      signal.removeEventListener('abort', onAbort);
    };
    element.addEventListener('pointerdown', onDown, true);
    element.addEventListener('pointerup', onUp, true);
    signal.addEventListener('abort', onAbort);
  });
}
