import * as fs from 'fs';
import * as path from 'path';

/**
 * Checks, before any work, that an output option can be written: a `file` option must not name a
 * folder, a `folder` option must not name a file, and the path (or the nearest folder above it that
 * exists, where the missing ones will be created) must be writable. Each refusal names the option
 * and says what to do, so a bad path costs seconds rather than a whole explanation.
 */
export function checkOutputPath(option: string, target: string, kind: 'file' | 'folder'): void {
  const absolute = path.resolve(target);
  if (fs.existsSync(absolute)) {
    const isFolder = fs.statSync(absolute).isDirectory();
    if (kind === 'file' && isFolder) {
      throw new Error(
        `${option} ${target} is a folder, but it names a file to write. Give a file name, e.g. ${path.join(target, 'saliency.dcm')}.`,
      );
    }
    if (kind === 'folder' && !isFolder) {
      throw new Error(
        `${option} ${target} is a file, but it names a folder to write into. Give a folder (it is created when missing).`,
      );
    }
    checkWritable(option, target, kind === 'folder' ? absolute : path.dirname(absolute));
    if (kind === 'file') checkWritable(option, target, absolute);
    return;
  }
  let existing = path.dirname(absolute);
  while (!fs.existsSync(existing)) existing = path.dirname(existing);
  if (!fs.statSync(existing).isDirectory()) {
    throw new Error(
      `${option} ${target} cannot be created: ${existing} is a file, not a folder. Choose a path inside a folder.`,
    );
  }
  checkWritable(option, target, existing);
}

function checkWritable(option: string, target: string, place: string): void {
  try {
    fs.accessSync(place, fs.constants.W_OK);
  } catch {
    throw new Error(
      `${option} ${target} cannot be written: ${place} is read-only for this user. ` +
        'Choose a writable place, or change its permissions.',
    );
  }
}
