/**
 * The prompt class that `text` names: a class name or one of its prompt synonyms in
 * `manifest.clip.prompts`, trimmed and in any case; undefined for free text.
 */
export function findPromptClass(prompts: Record<string, string[]>, text: string): string | undefined {
  const wanted = text.trim().toLowerCase();
  const matches = (phrase: string) => phrase.toLowerCase() === wanted;
  // Class names first, so that a class is never shadowed by another class's synonym.
  return (
    Object.keys(prompts).find(matches) ?? Object.keys(prompts).find((name) => prompts[name].some(matches))
  );
}
