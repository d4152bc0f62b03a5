import packageJson from '../../package.json';

/** XAI-CLIP's version (package.json), written into saved SEGs as SoftwareVersions and AlgorithmVersion. */
export const xaiClipVersion: string = packageJson.version;
