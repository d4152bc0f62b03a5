import * as fs from 'fs';
import { Volume } from '@xai-clip/engine';
import { DicomSeriesMeta, readDicomSeries, ReadDicomSeriesOptions } from './readDicomSeries';
import { readNifti } from './readNifti';
import { readPngMaskFolder } from './readPngMaskFolder';
import { VolumeReadError } from './VolumeReadError';

/**
 * Reads any supported input by its kind: a folder with .png files → binary mask (see
 * readPngMaskFolder; `options` pass its reference and sliceOrder), any other folder → DICOM
 * series (the result carries `meta`; `options.allowIrregularSpacing` accepts gaps between its
 * slices), a .nii or .nii.gz file → NIfTI. `options.maxBytes` bounds the memory of DICOM and NIfTI
 * voxels. Every refusal is a VolumeReadError naming the file and what to do.
 */
export async function readVolume(
  path: string,
  options: { reference?: Volume; sliceOrder?: number[] } & ReadDicomSeriesOptions = {},
): Promise<Volume & { meta?: DicomSeriesMeta }> {
  if (!fs.existsSync(path)) {
    throw new VolumeReadError(
      path,
      `Input not found: ${path}. Check the path (relative paths start at ${process.cwd()}).`,
    );
  }
  if (fs.statSync(path).isDirectory()) {
    const hasPng = fs.readdirSync(path).some((name) => /\.png$/i.test(name));
    return hasPng
      ? readPngMaskFolder(path, options.reference, options.sliceOrder)
      : readDicomSeries(path, options);
  }
  if (/\.nii(\.gz)?$/i.test(path)) return readNifti(path, options);
  throw new VolumeReadError(
    path,
    `Cannot tell how to read ${path}. Supported inputs: a NIfTI file (.nii or .nii.gz), a folder holding ` +
      'one DICOM series, or a folder of per-slice PNG masks.',
  );
}
