import { findPromptClass } from './clip/findPromptClass';
import { listPrompts } from './clip/listPrompts';
import { ModelManifest } from './manifest/ModelManifest';

/**
 * Maps what a user typed (a class name or one of its prompt synonyms, any case) to the
 * segmenter class it names.
 */
export function resolveOrgan(
  manifest: ModelManifest,
  text: string,
): { classIndex: number; className: string } {
  const wanted = text.trim().toLowerCase();
  const classes = manifest.segmenter.classes;
  let classIndex = classes.findIndex((name) => name.toLowerCase() === wanted);
  if (classIndex < 0 && manifest.clip) {
    const promptClass = findPromptClass(manifest.clip.prompts, text);
    classIndex = promptClass === undefined ? -1 : classes.indexOf(promptClass);
  }
  if (classIndex <= 0) {
    // Only the prompts of classes the segmenter has: CLIP may know more organs than it segments.
    const own = manifest.clip
      ? Object.fromEntries(
          Object.entries(manifest.clip.prompts).filter(([name]) => classes.indexOf(name) > 0),
        )
      : {};
    const synonyms = Object.keys(own).length > 0 ? ` or one of their prompts (${listPrompts(own)})` : '';
    throw new Error(
      `The model "${manifest.name}" does not know the organ "${text}". Use one of its classes (${classes.slice(1).join(', ')})${synonyms}.`,
    );
  }
  return { classIndex, className: classes[classIndex] };
}
