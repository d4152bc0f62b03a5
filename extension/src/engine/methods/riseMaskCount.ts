import { RiseGrid } from './riseGrid';

/** RISE's N: `masksPerCell` × the grid's cells where > 0 (rounded up), else `masks`. */
export function riseMaskCount({ cells }: RiseGrid, masks: number, masksPerCell: number): number {
  return masksPerCell > 0 ? Math.ceil(masksPerCell * cells[0] * cells[1] * cells[2]) : masks;
}
