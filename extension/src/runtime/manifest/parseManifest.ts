import Ajv, { ErrorObject } from 'ajv';
import schema from './manifestSchema.json';
import { ChannelTransform, ModelManifest } from './ModelManifest';

const validate = new Ajv({ allErrors: true, strict: false }).compile<ModelManifest>(schema);

/** Thrown for a manifest that is not valid; `problems` lists every finding. */
export class ManifestError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`Model manifest ${source} is invalid:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ManifestError';
  }
}

/**
 * Validates a parsed manifest against the JSON schema and the rules a schema cannot say
 * (shape ranks against the layout, percentile order, CLIP grid vs classes), reporting every
 * problem at once with its JSON path.
 */
export function parseManifest(json: unknown, source: string): ModelManifest {
  if (!validate(json)) {
    throw new ManifestError(source, simplify(validate.errors ?? []));
  }
  const manifest = json as ModelManifest;
  const problems: string[] = [];
  const { segmenter, clip } = manifest;
  const spatialRank = segmenter.layout === 'NCHW' ? 2 : 3;
  if (segmenter.size.mode === 'fixed' && segmenter.size.shape.length !== spatialRank) {
    problems.push(
      `/segmenter/size/shape has ${segmenter.size.shape.length} dimensions but layout ${segmenter.layout} needs ${spatialRank}`,
    );
  }
  if (segmenter.targetSpacingMm && segmenter.targetSpacingMm.length !== spatialRank) {
    problems.push(`/segmenter/targetSpacingMm needs ${spatialRank} values for layout ${segmenter.layout}`);
  }
  problems.push(...channelProblems(segmenter.channels, '/segmenter/channels'));
  if (clip) {
    problems.push(...channelProblems(clip.imageEncoder.channels, '/clip/imageEncoder/channels'));
    for (const organ of segmenter.classes.slice(1)) {
      if (!(organ in clip.prompts)) problems.push(`/clip/prompts has no prompts for the class "${organ}"`);
    }
  }
  if (problems.length > 0) throw new ManifestError(source, problems);
  return manifest;
}

function channelProblems(channels: ChannelTransform[], path: string): string[] {
  return channels.flatMap((channel, index) =>
    channel.kind === 'percentile' && channel.low >= channel.high
      ? [`${path}/${index}: percentile low (${channel.low}) must be below high (${channel.high})`]
      : [],
  );
}

/** One readable line per schema error; `oneOf` noise is reduced to the branch that fits best. */
function simplify(errors: ErrorObject[]): string[] {
  const lines = errors
    .filter(
      (error) =>
        (error.keyword !== 'oneOf' && error.keyword !== 'anyOf') ||
        (error.instancePath.startsWith('/clip') && error.keyword === 'anyOf'),
    )
    .map((error) => {
      const where = error.instancePath || '(top level)';
      if (error.keyword === 'additionalProperties') {
        return `${where}: unknown property "${(error.params as { additionalProperty: string }).additionalProperty}"`;
      }
      if (error.keyword === 'required') {
        return `${where}: missing required property "${(error.params as { missingProperty: string }).missingProperty}"`;
      }
      if (error.keyword === 'anyOf') return `${where}: needs a textEncoder or promptEmbeddings`;
      return `${where}: ${error.message}`;
    });
  return [...new Set(lines)];
}
