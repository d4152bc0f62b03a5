import { PNG } from 'pngjs';
import { infernoColor, Volume } from '@xai-clip/engine';
import { drawText, GLYPH_HEIGHT } from './bitmapFont';

/** Saliency below this share of the maximum is not drawn. */
export const OVERLAY_FLOOR = 0.1;
const OVERLAY_ALPHA = 0.6;
const PANEL = 256;
const TITLE = 14;
const GAP = 6;
const BAR_WIDTH = 16;
const LEGEND_WIDTH = 84;
const TEXT: [number, number, number] = [235, 235, 235];
const BACKGROUND = 24;

/** The overlay colour of a normalised saliency t ∈ [0, 1]: the viewer's colour map. */
export function overlayColor(t: number): [number, number, number] {
  return infernoColor(t);
}

/** Slices to show: the `count` explained slices with the most positive saliency, in slice order. */
export function mostSalientSlices(
  saliency: Volume<Float32Array>,
  candidates: number[],
  count: number,
): number[] {
  const plane = saliency.dimensions[0] * saliency.dimensions[1];
  const mass = (k: number) => {
    let total = 0;
    for (let v = k * plane; v < (k + 1) * plane; v++) if (saliency.data[v] > 0) total += saliency.data[v];
    return total;
  };
  const pool = candidates.length ? candidates : [Math.floor(saliency.dimensions[2] / 2)];
  return pool
    .map((k) => ({ k, mass: mass(k) }))
    .sort((a, b) => b.mass - a.mass || a.k - b.k)
    .slice(0, count)
    .map((s) => s.k)
    .sort((a, b) => a - b);
}

export interface OverlayLayout {
  width: number;
  height: number;
  /** Where the legend's colour bar is: x range and the rows of its top (max) and bottom (floor). */
  bar: { x0: number; x1: number; top: number; bottom: number };
}

/**
 * A PNG of the most salient slices: each slice in greyscale (CT soft-tissue window, else 1st–99th percentile) with the
 * positive saliency on top in "inferno" (one scale for all panels, drawn from 10 % of the maximum),
 * titled with its slice index, and a colour bar legend with the scale's values. Slices are shown
 * as a viewer shows them (patient left on the image's right, anterior or superior up) when the
 * geometry says so; panels are 256 pixels on their longer side.
 */
export function renderOverlayPng(
  image: Volume,
  saliency: Volume<Float32Array>,
  slices: number[],
  options: { label?: string } = {},
): { png: Buffer; layout: OverlayLayout } {
  const [nx, ny] = image.dimensions;
  const view = displayAxes(image);
  const [cols, rows] = view.transpose ? [ny, nx] : [nx, ny];
  const scale =
    PANEL /
    Math.max(
      cols * spacingOf(image, view.transpose ? 1 : 0),
      rows * spacingOf(image, view.transpose ? 0 : 1),
    );
  const panelW = Math.max(1, Math.round(cols * spacingOf(image, view.transpose ? 1 : 0) * scale));
  const panelH = Math.max(1, Math.round(rows * spacingOf(image, view.transpose ? 0 : 1) * scale));
  const shown = slices.length ? slices : [0];
  const width = shown.length * (panelW + GAP) + LEGEND_WIDTH;
  const height = TITLE + panelH + GAP;
  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0; p < rgba.length; p += 4) rgba.set([BACKGROUND, BACKGROUND, BACKGROUND, 255], p);

  const plane = nx * ny;
  let peak = 0;
  for (const k of shown) {
    for (let v = k * plane; v < (k + 1) * plane; v++) if (saliency.data[v] > peak) peak = saliency.data[v];
  }
  shown.forEach((k, n) => {
    const x0 = n * (panelW + GAP);
    const [low, high] = greyWindow(image.data, k * plane, plane);
    drawText(rgba, width, x0 + 2, 3, `slice ${k}`, TEXT);
    for (let r = 0; r < panelH; r++) {
      for (let c = 0; c < panelW; c++) {
        let u = Math.min(cols - 1, Math.floor((c * cols) / panelW));
        let w = Math.min(rows - 1, Math.floor((r * rows) / panelH));
        if (view.flipColumns) u = cols - 1 - u;
        if (view.flipRows) w = rows - 1 - w;
        const [i, j] = view.transpose ? [w, u] : [u, w];
        const v = k * plane + j * nx + i;
        const grey =
          high > low ? Math.min(255, Math.max(0, ((image.data[v] - low) / (high - low)) * 255)) : 0;
        let rgb: number[] = [grey, grey, grey];
        const t = peak > 0 ? saliency.data[v] / peak : 0;
        if (t >= OVERLAY_FLOOR) {
          const color = overlayColor(t);
          rgb = rgb.map((g, ch) => (1 - OVERLAY_ALPHA) * g + OVERLAY_ALPHA * color[ch]);
        }
        const p = ((TITLE + r) * width + x0 + c) * 4;
        rgba[p] = Math.round(rgb[0]);
        rgba[p + 1] = Math.round(rgb[1]);
        rgba[p + 2] = Math.round(rgb[2]);
      }
    }
  });

  // Legend: a colour bar from the floor (bottom) to the maximum (top), with its values.
  const x0 = shown.length * (panelW + GAP) + 4;
  const top = TITLE + 10;
  const bottom = TITLE + panelH - 10;
  for (let r = top; r <= bottom; r++) {
    const t = OVERLAY_FLOOR + ((1 - OVERLAY_FLOOR) * (bottom - r)) / Math.max(1, bottom - top);
    const color = overlayColor(t);
    for (let c = x0; c < x0 + BAR_WIDTH; c++) rgba.set([...color, 255], (r * width + c) * 4);
  }
  const textX = x0 + BAR_WIDTH + 4;
  drawText(rgba, width, x0, 3, options.label ?? 'saliency', TEXT);
  drawText(rgba, width, textX, top - 1, formatValue(peak), TEXT);
  drawText(rgba, width, textX, bottom - GLYPH_HEIGHT + 1, formatValue(OVERLAY_FLOOR * peak), TEXT);

  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  return {
    png: PNG.sync.write(png),
    layout: { width, height, bar: { x0, x1: x0 + BAR_WIDTH, top, bottom } },
  };
}

function spacingOf(image: Volume, axis: number): number {
  return image.spacing[axis] > 0 ? image.spacing[axis] : 1;
}

/**
 * How to lay a slice out on screen: columns toward the patient's left (+x in LPS) and rows toward
 * posterior (+y), or toward inferior (−z) when a voxel axis runs head–foot, as viewers show
 * axial, coronal and sagittal images.
 */
function displayAxes(image: Volume): { transpose: boolean; flipColumns: boolean; flipRows: boolean } {
  const d = image.direction;
  const axis = (a: number) => {
    const v = [d[a * 3], d[a * 3 + 1], d[a * 3 + 2]];
    const dominant = v.map(Math.abs).indexOf(Math.max(...v.map(Math.abs)));
    return { dominant, sign: Math.sign(v[dominant]) || 1 };
  };
  const i = axis(0);
  const j = axis(1);
  // The screen's horizontal axis: the voxel axis closest to left–right, else the one that is not head–foot.
  const transpose = j.dominant === 0 || (i.dominant === 2 && j.dominant !== 2);
  const [horizontal, vertical] = transpose ? [j, i] : [i, j];
  const wantDown = (dominant: number) => (dominant === 2 ? -1 : 1);
  return {
    transpose,
    flipColumns: horizontal.sign * (horizontal.dominant === 2 ? -1 : 1) < 0,
    flipRows: vertical.sign * wantDown(vertical.dominant) < 0,
  };
}

/**
 * The grey-level window of a slice: CT's soft-tissue window (level 40, width 400 HU) when the slice
 * holds air in Hounsfield units, else its 1st–99th percentiles.
 */
function greyWindow(data: ArrayLike<number>, offset: number, count: number): [number, number] {
  const [low, high] = percentiles(data, offset, count);
  return low <= -500 && high < 4000 ? [-160, 240] : [low, high];
}

/** The 1st and 99th percentiles of `count` values from `offset`. */
function percentiles(data: ArrayLike<number>, offset: number, count: number): [number, number] {
  const values = new Float32Array(count);
  for (let n = 0; n < count; n++) values[n] = data[offset + n];
  values.sort();
  return [values[Math.floor(0.01 * (count - 1))], values[Math.floor(0.99 * (count - 1))]];
}

function formatValue(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 0.01 && magnitude < 10000) return value.toPrecision(3).replace(/\.?0+$/, '');
  return value.toExponential(1);
}
