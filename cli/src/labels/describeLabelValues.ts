import * as fs from 'fs';

/** At most this many values are listed (a label volume of an image's intensities has thousands). */
const LISTED = 12;

/**
 * The values a label volume holds, for messages: `0 (253,952 voxels), 1 (8,192 voxels)`, with
 * how PNG masks were read (so that 255 or a CHAOS MR grey level is not looked for in them).
 */
export function describeLabelValues(counts: Map<number, number>, labelsPath: string): string {
  const entries = [...counts];
  const listed = entries
    .slice(0, LISTED)
    .map(([value, voxels]) => `${value} (${voxels.toLocaleString('en-US')} voxels)`)
    .join(', ');
  const more = entries.length > LISTED ? ` and ${entries.length - LISTED} more values` : '';
  const png =
    fs.statSync(labelsPath).isDirectory() && fs.readdirSync(labelsPath).some((name) => /\.png$/i.test(name))
      ? ' (PNG masks are read as 0 where black or transparent and 1 elsewhere)'
      : '';
  return `${listed}${more}${png}`;
}
