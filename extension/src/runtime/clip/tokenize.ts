import { ClipEntry } from '../manifest/ModelManifest';

type TextEncoderEntry = NonNullable<ClipEntry['textEncoder']>;

/** Thrown for a prompt with no word the text encoder knows. */
export class UnreadablePromptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadablePromptError';
  }
}

/**
 * Word-level tokenizer for the bundled text encoders: lower-case words → ids, wrapped in the
 * start/end tokens and padded to the context length. Unknown words are dropped and reported;
 * a prompt with no known word is an error naming the vocabulary's size and file.
 */
export function tokenize(
  text: string,
  vocabulary: Record<string, number>,
  entry: TextEncoderEntry,
): { ids: BigInt64Array; unknown: string[] } {
  const words = text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  // Own keys only: `"constructor" in vocabulary` is true for any object.
  const inVocabulary = (word: string) => Object.hasOwn(vocabulary, word);
  const known = words.filter(inVocabulary);
  const unknown = words.filter((word) => !inVocabulary(word));
  if (known.length === 0) {
    throw new UnreadablePromptError(
      `The prompt "${text}" has no word the text encoder knows (vocabulary of ${Object.keys(vocabulary).length} words). ` +
        `Rephrase it with words from ${entry.vocabulary}.`,
    );
  }
  const special = (token?: string) => (token !== undefined && inVocabulary(token) ? [vocabulary[token]] : []);
  const body = known.map((word) => vocabulary[word]);
  const end = special(entry.endToken);
  // Truncate to leave room for the end token (if there is one), which always closes the prompt.
  const ids = [...special(entry.startToken), ...body].slice(0, entry.contextLength - end.length);
  ids.push(...end);
  const pad = special(entry.padToken)[0] ?? 0;
  while (ids.length < entry.contextLength) ids.push(pad);
  return { ids: BigInt64Array.from(ids.slice(0, entry.contextLength).map(BigInt)), unknown };
}
