import { Vec3 } from './Volume';

/** How a grid maps onto another orientation: target axis t reads source axis `axes[t]`, reversed where `flips[t]`. */
export interface AxisMapping {
  axes: [number, number, number];
  flips: [boolean, boolean, boolean];
  /** The grid in the target orientation. */
  dimensions: Vec3;
  spacing: Vec3;
}
