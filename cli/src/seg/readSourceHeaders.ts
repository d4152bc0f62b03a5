import { promises as fs } from 'fs';
import { DicomSeriesMeta } from '@xai-clip/io';

// dcmjs has no type declarations; these are the few members used here.
interface Dcmjs {
  data: {
    DicomMessage: {
      readFile(
        buffer: ArrayBuffer,
        options: { untilTag: string; includeUntilTagValue: boolean },
      ): { dict: object };
    };
    DicomMetaDictionary: { naturalizeDataset(dataset: object): Record<string, unknown> };
  };
  log: { getLogger(name: string): { getLevel(): number; setLevel(level: number, persist?: boolean): void } };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dcmjs = require('dcmjs') as Dcmjs;

/**
 * Re-reads the headers (everything before PixelData) of a DICOM series' files, in slice order,
 * for a SEG that must reference them. Every file must still be where `readDicomSeries` found it
 * and still hold the same SOP instance; otherwise the SEG would point at images that are not
 * there, so this stops with an error that names the first missing or changed file.
 */
export async function readSourceHeaders(meta: DicomSeriesMeta): Promise<Record<string, unknown>[]> {
  const logger = dcmjs.log.getLogger('validation.dcmjs');
  const level = logger.getLevel();
  logger.setLevel(5, false); // silent: CT headers often have ambiguous VRs
  try {
    // allSettled: every read finishes before the logger level is restored, even after a failure.
    const results = await Promise.allSettled(
      meta.sourceFiles.map(async (file, k) => {
        const expected = meta.instances[k].SOPInstanceUID;
        let bytes: Buffer;
        try {
          bytes = await fs.readFile(file);
        } catch (error) {
          throw new Error(
            `The source images of series ${meta.SeriesInstanceUID} are gone: cannot read ${file} ` +
              `(${(error as NodeJS.ErrnoException).code ?? (error as Error).message}), and a DICOM SEG must ` +
              'reference the images it segments. Put the series back (or pass the folder it moved to) and run again.',
          );
        }
        let header: Record<string, unknown>;
        try {
          const message = dcmjs.data.DicomMessage.readFile(
            bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
            { untilTag: '7FE00010', includeUntilTagValue: false },
          );
          header = dcmjs.data.DicomMetaDictionary.naturalizeDataset(message.dict);
        } catch (error) {
          throw new Error(`Cannot read the source image ${file} as DICOM: ${(error as Error).message}.`);
        }
        if (header.SOPInstanceUID !== expected) {
          throw new Error(
            `The source image ${file} changed since it was read: it now holds SOP instance ` +
              `${String(header.SOPInstanceUID)} instead of ${expected}. Run again on the current series.`,
          );
        }
        return header;
      }),
    );
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    return results.map((result) => (result as PromiseFulfilledResult<Record<string, unknown>>).value);
  } finally {
    logger.setLevel(level, false);
  }
}
