import * as fs from 'fs';
import * as path from 'path';

/** The real-data folder: $XAI_CLIP_DATA, or ../shared/data beside the project checkout. */
export function dataRoot(): string {
  const root = process.env.XAI_CLIP_DATA ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'data');
  if (!fs.existsSync(path.join(root, 'README.md'))) {
    throw new Error(
      `Real data not found at ${root}. Set XAI_CLIP_DATA to the folder that holds chaos-ct/, chaos-mr-t2/ and totalsegmentator/.`,
    );
  }
  return root;
}
