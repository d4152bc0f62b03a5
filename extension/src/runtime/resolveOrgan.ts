import { ModelManifest } from './manifest/ModelManifest';

/**
 * Maps what a user typed (a class name or one of its prompt synonyms, any case) to the
 * segmenter class it names. The text itself stays the CLIP prompt.
 */
export function resolveOrgan(
  manifest: ModelManifest,
  text: string,
): { classIndex: number; className: string } {
  const wanted = text.trim().toLowerCase();
  const classes = manifest.segmenter.classes;
  let classIndex = classes.findIndex((name) => name.toLowerCase() === wanted);
  if (classIndex < 0 && manifest.clip) {
    const prompts = manifest.clip.prompts;
    classIndex = classes.findIndex((name) =>
      (prompts[name] ?? []).some((prompt) => prompt.toLowerCase() === wanted),
    );
  }
  if (classIndex <= 0) {
    const synonyms = manifest.clip
      ? ` or one of their prompts (${Object.entries(manifest.clip.prompts)
          .map(([c, p]) => `${c}: ${p.join(' / ')}`)
          .join('; ')})`
      : '';
    throw new Error(
      `The model "${manifest.name}" does not know the organ "${text}". Use one of its classes (${classes.slice(1).join(', ')})${synonyms}.`,
    );
  }
  return { classIndex, className: classes[classIndex] };
}
