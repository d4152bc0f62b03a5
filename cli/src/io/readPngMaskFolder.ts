import * as fs from 'fs';
import * as nodePath from 'path';
import { PNG } from 'pngjs';
import { Vec3, Volume, createVolume } from '@xai-clip/engine';
import { asVolumeReadError } from './asVolumeReadError';
import { VolumeReadError } from './VolumeReadError';

/**
 * Reads a folder of per-slice PNG masks (e.g. CHAOS ground truth) into a binary Uint8 volume.
 *
 * PNGs are ordered by the last number in their names (liver_GT_007.png → 7). A pixel is in the
 * mask (1) when any colour channel is non-zero and it is not fully transparent; grey, RGB(A),
 * palette and 1–16-bit PNGs all work. PNG row r, column c → voxel (i = c, j = r), as DICOM pixels.
 *
 * `reference`: the image the masks belong to; its grid must match and its geometry is copied.
 * `sliceOrder[k]`: which PNG (0-based position in that order) becomes slice k, for masks paired
 * with an image by file order rather than slice order: pass `meta.sliceFileIndex` of
 * `readDicomSeries`. Without it PNG k is slice k. Every refusal is a VolumeReadError.
 */
export function readPngMaskFolder(
  folder: string,
  reference?: Volume,
  sliceOrder?: number[],
): Volume<Uint8Array> {
  try {
    return readMasks(folder, reference, sliceOrder);
  } catch (error) {
    throw asVolumeReadError(folder, 'folder of PNG masks', error);
  }
}

function readMasks(folder: string, reference?: Volume, sliceOrder?: number[]): Volume<Uint8Array> {
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
    throw new VolumeReadError(
      folder,
      `Mask folder not found: ${folder}. Pass the folder that holds the PNG masks ` +
        `(relative paths start at ${process.cwd()}).`,
    );
  }
  const files = fs
    .readdirSync(folder)
    .filter((name) => /\.png$/i.test(name))
    .map((name) => ({ name, number: Number(/(\d+)\D*$/.exec(name)?.[1] ?? NaN) }));
  if (files.length === 0) {
    throw new VolumeReadError(
      folder,
      `No .png files in ${folder}. Pass a folder with one PNG mask per slice.`,
    );
  }
  const unnumbered = files.find((file) => Number.isNaN(file.number));
  if (unnumbered) {
    throw new VolumeReadError(
      folder,
      `${nodePath.join(folder, unnumbered.name)} has no slice number in its name; name the masks so that ` +
        'each holds its slice number (e.g. mask_000.png, mask_001.png, …).',
    );
  }
  files.sort((a, b) => a.number - b.number);
  const twin = files.find((file, n) => n > 0 && file.number === files[n - 1].number);
  if (twin) {
    throw new VolumeReadError(
      folder,
      `Two PNG masks in ${folder} carry slice number ${twin.number}; keep one file per slice.`,
    );
  }

  const count = files.length;
  if (sliceOrder) {
    const seen = new Set(sliceOrder);
    if (
      sliceOrder.length !== count ||
      seen.size !== count ||
      sliceOrder.some((n) => !(n >= 0 && n < count))
    ) {
      throw new VolumeReadError(
        folder,
        `sliceOrder must list each of the ${count} PNG masks in ${folder} once (indices 0…${count - 1}), ` +
          `but it has ${sliceOrder.length} entries; pass the sliceFileIndex of the image series the masks belong to.`,
      );
    }
  }

  let size: [number, number] | undefined;
  let data = new Uint8Array(0);
  for (let k = 0; k < count; k++) {
    const file = nodePath.join(folder, files[sliceOrder ? sliceOrder[k] : k].name);
    let png: PNG;
    try {
      // skipRescale keeps 16-bit label values such as 1 from rounding down to 0 in 8 bits.
      png = PNG.sync.read(fs.readFileSync(file), { skipRescale: true });
    } catch (error) {
      throw new VolumeReadError(
        file,
        `Cannot read ${file} as PNG: it is damaged, cut short or not a PNG. Replace it with a valid PNG.`,
        { cause: error },
      );
    }
    if (!size) {
      size = [png.width, png.height];
      if (reference) checkGrid(folder, [png.width, png.height, count], reference.dimensions);
      data = new Uint8Array(png.width * png.height * count);
    } else if (png.width !== size[0] || png.height !== size[1]) {
      throw new VolumeReadError(
        folder,
        `${file} is ${png.width}×${png.height} but the first mask in ${folder} is ${size[0]}×${size[1]}; ` +
          'all masks of a volume must have one size.',
      );
    }
    const rgba = png.data; // RGBA, 8- or 16-bit samples
    const plane = png.width * png.height;
    for (let n = 0, index = k * plane; n < plane; n++, index++) {
      const p = n * 4;
      data[index] = (rgba[p] || rgba[p + 1] || rgba[p + 2]) && rgba[p + 3] ? 1 : 0;
    }
  }
  const dimensions: Vec3 = [size![0], size![1], count];
  return createVolume(data, dimensions, reference ?? {});
}

function checkGrid(folder: string, masks: Vec3, image: Vec3): void {
  if (masks[0] !== image[0] || masks[1] !== image[1] || masks[2] !== image[2]) {
    throw new VolumeReadError(
      folder,
      `The masks in ${folder} (${masks[2]} PNGs of ${masks[0]}×${masks[1]}) do not match the image ` +
        `(${image[2]} slices of ${image[0]}×${image[1]}); pass the masks that belong to this image.`,
    );
  }
}
