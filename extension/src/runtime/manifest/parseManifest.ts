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
 * (shape ranks against the layout, targetSpacingMm only with a dynamic size, percentile order,
 * roiByClass vs the CLIP prompts), reporting every problem at once with its JSON path. A class
 * without CLIP prompts is allowed: its --roi clip falls back to the mask ROI (runExplanation).
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
  if (segmenter.targetSpacingMm && segmenter.size.mode === 'fixed') {
    // A fixed size already decides the grid, so the spacing would be silently ignored.
    problems.push(
      `/segmenter/targetSpacingMm applies only to segmenter.size {"mode": "dynamic"}; with the fixed size [${segmenter.size.shape.join(', ')}] the image is resampled to that shape whatever its spacing. Remove targetSpacingMm, or use a dynamic size`,
    );
  } else if (segmenter.targetSpacingMm && segmenter.targetSpacingMm.length !== spatialRank) {
    problems.push(`/segmenter/targetSpacingMm needs ${spatialRank} values for layout ${segmenter.layout}`);
  }
  problems.push(...channelProblems(segmenter.channels, '/segmenter/channels'));
  if (clip) {
    problems.push(...channelProblems(clip.imageEncoder.channels, '/clip/imageEncoder/channels'));
    for (const name of Object.keys(clip.roiByClass ?? {})) {
      if (!(name in clip.prompts)) {
        problems.push(
          `/clip/roiByClass/${name}: "${name}" is not a CLIP prompt class (${Object.keys(clip.prompts).join(', ')})`,
        );
      }
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
  const dropped = new Set<ErrorObject>();
  const replaced = new Map<ErrorObject, string>();
  for (const group of errors.filter((error) => error.keyword === 'oneOf' || error.keyword === 'anyOf')) {
    // Errors of the group's branches: schema path ".../oneOf/<branch>/...", at or below its instance.
    const branches = new Map<string, ErrorObject[]>();
    for (const error of errors) {
      const below =
        error.instancePath === group.instancePath || error.instancePath.startsWith(`${group.instancePath}/`);
      if (!below || !error.schemaPath.startsWith(`${group.schemaPath}/`)) continue;
      const branch = error.schemaPath.slice(group.schemaPath.length + 1).split('/')[0];
      branches.set(branch, [...(branches.get(branch) ?? []), error]);
    }
    if (group.keyword === 'anyOf') {
      // The group's own line says what is needed; the branches' lines only repeat it.
      branches.forEach((list) => list.forEach((error) => dropped.add(error)));
      continue;
    }
    if (branches.size === 0) continue;
    const discriminators = [...branches.values()].map((list) =>
      list.find((error) => error.keyword === 'const'),
    );
    if (discriminators.every((error) => error && error.instancePath === discriminators[0]!.instancePath)) {
      // No branch's `kind`/`mode` matches: name the allowed values instead of every branch's complaints.
      branches.forEach((list) => list.forEach((error) => dropped.add(error)));
      const allowed = discriminators.map((error) =>
        JSON.stringify((error!.params as { allowedValue: unknown }).allowedValue),
      );
      replaced.set(group, `${discriminators[0]!.instancePath}: must be one of ${allowed.join(', ')}`);
      continue;
    }
    // Best branch: the one whose discriminator (`kind`, `mode` const) matches, then the fewest errors.
    const score = (list: ErrorObject[]) =>
      (list.some((error) => error.keyword === 'const') ? 1e6 : 0) + list.length;
    const best = [...branches.values()].sort((a, b) => score(a) - score(b))[0];
    branches.forEach((list) => list !== best && list.forEach((error) => dropped.add(error)));
    dropped.add(group);
  }
  const lines = errors
    .filter((error) => !dropped.has(error))
    .map((error) => {
      if (replaced.has(error)) return replaced.get(error)!;
      const where = error.instancePath || '(top level)';
      if (error.keyword === 'additionalProperties') {
        return `${where}: unknown property "${(error.params as { additionalProperty: string }).additionalProperty}"`;
      }
      if (error.keyword === 'required') {
        return `${where}: missing required property "${(error.params as { missingProperty: string }).missingProperty}"`;
      }
      if (error.keyword === 'enum') {
        const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map((value) =>
          JSON.stringify(value),
        );
        return `${where}: must be one of ${allowed.join(', ')}`;
      }
      if (error.keyword === 'anyOf' && where === '/clip')
        return `${where}: needs a textEncoder or promptEmbeddings`;
      return `${where}: ${error.message}`;
    });
  return [...new Set(lines)];
}
