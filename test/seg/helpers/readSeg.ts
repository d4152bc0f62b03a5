import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';

// dcmjs has no type declarations; these are the few members used here.
interface Dcmjs {
  data: {
    DicomMessage: { readFile(buffer: ArrayBuffer): { meta: object; dict: object } };
    DicomMetaDictionary: { naturalizeDataset(dataset: object): Record<string, unknown> };
  };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dcmjs = require('dcmjs') as Dcmjs;

export interface SegFrame {
  /** 0/1 for a binary SEG, segment numbers for a label map; rows × columns. */
  pixels: Uint8Array;
  sourceSopInstanceUid: string;
  sourceSopClassUid: string;
  /** ReferencedSegmentNumber (binary SEG only). */
  segment?: number;
  position: number[];
}

/** Reads a SEG file back with dcmjs alone (independent of the writer): dataset, meta, frames. */
export function readSeg(file: string): {
  dataset: Record<string, unknown>;
  meta: Record<string, unknown>;
  frames: SegFrame[];
} {
  const bytes = readFileSync(file);
  const message = dcmjs.data.DicomMessage.readFile(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
  );
  const dataset = dcmjs.data.DicomMetaDictionary.naturalizeDataset(message.dict);
  const meta = dcmjs.data.DicomMetaDictionary.naturalizeDataset(message.meta);
  const plane = Number(dataset.Rows) * Number(dataset.Columns);
  const count = Number(dataset.NumberOfFrames);
  const raw = new Uint8Array((dataset.PixelData as ArrayBuffer[])[0]);
  const bits = Number(dataset.BitsAllocated);
  const items = list(dataset.PerFrameFunctionalGroupsSequence);
  const frames = items.map((item, f) => {
    const pixels = new Uint8Array(plane);
    if (bits === 1) {
      // Bit-packed, little-endian bit order, frames back to back.
      for (let p = 0; p < plane; p++) {
        const bit = f * plane + p;
        pixels[p] = (raw[bit >> 3] >> (bit & 7)) & 1;
      }
    } else {
      pixels.set(raw.subarray(f * plane, (f + 1) * plane));
    }
    const source = list(list(item.DerivationImageSequence)[0]?.SourceImageSequence)[0] ?? {};
    const segment = list(item.SegmentIdentificationSequence)[0]?.ReferencedSegmentNumber;
    return {
      pixels,
      sourceSopInstanceUid: String(source.ReferencedSOPInstanceUID),
      sourceSopClassUid: String(source.ReferencedSOPClassUID),
      ...(segment === undefined ? {} : { segment: Number(segment) }),
      position: (list(item.PlanePositionSequence)[0]?.ImagePositionPatient as number[]).map(Number),
    };
  });
  if (frames.length !== count)
    throw new Error(`NumberOfFrames ${count} but ${frames.length} per-frame items`);
  return { dataset, meta, frames };
}

/** A naturalized sequence as a list (dcmjs gives a lone item as an object). */
export function list(value: unknown): Record<string, unknown>[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as Record<string, unknown>[];
}

/** dciodvfy's verdict on a file: its error and warning lines (dicom3tools must be installed). */
export function dciodvfy(file: string): { errors: string[]; warnings: string[]; output: string } {
  // dciodvfy writes its findings to stderr and exits 0 even with errors.
  const run = spawnSync('dciodvfy', [file], { encoding: 'utf8' });
  if ((run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error(
      'dciodvfy not found: install the Debian package dicom3tools (apt-get install -y dicom3tools).',
    );
  }
  const output = `${run.stdout}${run.stderr}`;
  return {
    errors: output.split('\n').filter((line) => line.startsWith('Error')),
    warnings: output.split('\n').filter((line) => line.startsWith('Warning')),
    output,
  };
}
