import * as fs from 'fs';
import * as zlib from 'zlib';

/**
 * The first `maxBytes` bytes of a file's content, inflated when it is gzip-compressed (recognised by
 * its magic bytes, so misnamed files still load). Inflating stops once `maxBytes` are out, so a
 * small file that inflates to gigabytes (a "gzip bomb") costs no more than `maxBytes`. A shorter
 * result means the content ends there. A damaged gzip stream rejects with zlib's error.
 */
export async function readDecompressedPrefix(path: string, maxBytes: number): Promise<Buffer> {
  const handle = await fs.promises.open(path, 'r');
  const magic = Buffer.alloc(2);
  try {
    await handle.read(magic, 0, 2, 0);
  } finally {
    await handle.close();
  }
  const gzipped = magic[0] === 0x1f && magic[1] === 0x8b;
  if (maxBytes <= 0) return Buffer.alloc(0);
  const file = fs.createReadStream(path, gzipped ? {} : { end: maxBytes - 1 });
  if (!gzipped) return collect(file, maxBytes, () => file.destroy());
  const gunzip = zlib.createGunzip();
  file.on('error', (error) => gunzip.destroy(error));
  file.pipe(gunzip);
  return collect(gunzip, maxBytes, () => {
    file.destroy();
    gunzip.destroy();
  });
}

/** Reads chunks from `stream` until it ends or `maxBytes` are in; `stop` releases it early. */
function collect(stream: NodeJS.ReadableStream, maxBytes: number, stop: () => void): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    let done = false;
    const finish = () => {
      done = true;
      resolve(Buffer.concat(chunks, Math.min(length, maxBytes)));
    };
    stream.on('data', (chunk: Buffer) => {
      if (done) return;
      chunks.push(chunk);
      length += chunk.length;
      if (length >= maxBytes) {
        finish();
        stop();
      }
    });
    stream.on('end', () => done || finish());
    stream.on('error', (error) => done || reject(error));
  });
}
