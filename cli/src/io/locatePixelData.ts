const PIXEL_DATA_TAG = Buffer.from([0xe0, 0x7f, 0x10, 0x00]); // (7FE0,0010), little endian
const BINARY_VRS = new Set(['OW', 'OB', 'UN']);

/**
 * Where the native (uncompressed) pixel values of a DICOM data set start, and how many of their
 * bytes it holds. dcmjs fills a Pixel Data element that the file cuts short with zeros (−1000 HU
 * once rescaled), so truncation has to be measured on the bytes themselves.
 *
 * `dataSet`: the bytes holding the data set (after the file meta group when it was deflated);
 * `neededBytes`: what Rows × Columns × SamplesPerPixel × BitsAllocated/8 × NumberOfFrames make.
 * The element is the first (7FE0,0010) whose declared length is `neededBytes` (or one more, the
 * padding to an even length), which tells it apart from bytes that merely look like its tag and
 * from an icon image's Pixel Data nested in a sequence. Undefined when there is no such element.
 */
export function locatePixelData(
  dataSet: Uint8Array,
  explicitVr: boolean,
  neededBytes: number,
): { offset: number; bytesPresent: number } | undefined {
  const bytes = Buffer.from(dataSet.buffer, dataSet.byteOffset, dataSet.byteLength);
  const headerLength = explicitVr ? 12 : 8;
  for (let at = bytes.indexOf(PIXEL_DATA_TAG); at >= 0; at = bytes.indexOf(PIXEL_DATA_TAG, at + 1)) {
    if (at + headerLength > bytes.length) return undefined;
    if (
      explicitVr &&
      !(BINARY_VRS.has(bytes.toString('latin1', at + 4, at + 6)) && bytes.readUInt16LE(at + 6) === 0)
    ) {
      continue;
    }
    const declared = bytes.readUInt32LE(at + headerLength - 4);
    if (declared !== neededBytes && declared !== neededBytes + 1) continue;
    const offset = at + headerLength;
    return { offset, bytesPresent: Math.min(neededBytes, bytes.length - offset) };
  }
  return undefined;
}
