import * as fs from 'fs';
import * as path from 'path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { researchDataFolder, HOW_TO_GET } = require('./researchData.js') as {
  researchDataFolder(): string;
  HOW_TO_GET: string;
};

/**
 * The research-data folder: $XAI_CLIP_DATA, or ../shared/data beside the project checkout. A
 * suite that calls it is skipped whole when the data is absent (test/helpers/researchData.js).
 */
export function dataRoot(): string {
  const root = researchDataFolder();
  if (!fs.existsSync(path.join(root, 'README.md'))) {
    throw new Error(`Research data not found at ${root}. ${HOW_TO_GET}`);
  }
  return root;
}
