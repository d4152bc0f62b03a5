/** The prompt classes and their synonyms for messages: `liver: liver / hepatic parenchyma; …`. */
export function listPrompts(prompts: Record<string, string[]>): string {
  return Object.entries(prompts)
    .map(([name, synonyms]) => `${name}: ${synonyms.join(' / ')}`)
    .join('; ');
}
