import * as fs from 'fs';
import * as path from 'path';

/**
 * The temporary name `file` is written under before it is renamed into place: in the same folder
 * (a rename within one file system is atomic), hidden, marked with this process, and keeping the
 * file's own name last so its extension still says what it is.
 */
export function temporaryNameOf(file: string): string {
  return path.join(path.dirname(file), `.${process.pid}.partial.${path.basename(file)}`);
}

/**
 * Writes `bytes` to `file` whole or not at all: into a temporary name in the same folder, then
 * renamed over `file`. A full disk or a kill leaves the earlier `file` untouched and no
 * temporary file behind (it is removed when the write fails).
 */
export function writeFileAtomic(file: string, bytes: string | Uint8Array): void {
  const temporary = temporaryNameOf(file);
  try {
    fs.writeFileSync(temporary, bytes);
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
}
