import { VolumeReadError } from './VolumeReadError';

/**
 * Any error thrown while reading `path` as a VolumeReadError: the readers' own refusals pass
 * unchanged; a library's raw exception (a TypeError from a damaged header, a RangeError from an
 * absurd size) becomes a sentence naming the file and what to do. Its text is not shown (it speaks
 * of the library's internals), but kept as `cause` for debugging.
 */
export function asVolumeReadError(path: string, format: string, error: unknown): VolumeReadError {
  if (error instanceof VolumeReadError) return error;
  return new VolumeReadError(
    path,
    `${path} is not a readable ${format}: its header is damaged or uses a feature the reader does not know. ` +
      'Check that it was copied completely, or convert it to a plain uncompressed file ' +
      '(e.g. with dcm2niix, gdcmconv --raw or nibabel).',
    { cause: error },
  );
}
