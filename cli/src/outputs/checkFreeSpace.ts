import * as fs from 'fs';
import * as path from 'path';
import { formatBytes } from '@xai-clip/runtime';

/**
 * Refuses, before the work, outputs that would not fit where they go: `bytes` (an upper estimate)
 * against the space free to this user on the file system of `target` (or of the nearest folder
 * above it that exists). A full disk found only while writing costs the whole run.
 */
export function checkFreeSpace(option: string, target: string, bytes: number): void {
  let existing = path.resolve(target);
  while (!fs.existsSync(existing)) existing = path.dirname(existing);
  const { bavail, bsize } = fs.statfsSync(existing);
  const free = bavail * bsize;
  if (free >= bytes) return;
  throw new Error(
    `${option} ${target}: the outputs need up to about ${formatBytes(bytes)}, but only ${formatBytes(free)} is free there. ` +
      'Free some space or choose another place.',
  );
}
