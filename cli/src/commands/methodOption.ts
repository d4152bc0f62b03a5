import { InvalidArgumentError } from 'commander';
import { checkMethodOptions, getMethod, MethodId, METHODS } from '@xai-clip/engine';

/** Commander's reducer for a repeatable `--method-option name=value`. */
export function collectMethodOption(
  text: string,
  collected: Record<string, string> = {},
): Record<string, string> {
  const match = /^([A-Za-z]\w*)=(.+)$/.exec(text);
  if (!match) throw new InvalidArgumentError(`expected name=value (e.g. featureSizeMm=10), got "${text}".`);
  return { ...collected, [match[1]]: match[2] };
}

/** The flag's help: every method's declared parameters, from the registry. */
export function methodOptionHelp(): string {
  const listed = Object.values(METHODS)
    .filter((method) => method.parameters.length > 0)
    .map(
      (method) =>
        `${method.id}: ${method.parameters
          .map(
            (p) =>
              `${p.key} (${p.choices ? p.choices.join('|') : p.kind}, default ${String((method.defaults as object as Record<string, unknown>)[p.key])})`,
          )
          .join(', ')}`,
    );
  return `a further option of the method, repeatable; ${listed.join('; ')}`;
}

/** Commander's reducer for the bench's repeatable `--method-option method.name=value` (it runs every method). */
export function collectQualifiedMethodOption(
  text: string,
  collected: { [M in MethodId]?: Record<string, string> } = {},
): { [M in MethodId]?: Record<string, string> } {
  const match = /^(\w+)\.([A-Za-z]\w*)=(.+)$/.exec(text);
  if (!match)
    throw new InvalidArgumentError(
      `expected method.name=value (e.g. rise.keepProbability=0.3), got "${text}".`,
    );
  const [, id, name, value] = match;
  let method;
  try {
    method = getMethod(id);
    checkMethodOptions(method, { [name]: value });
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
  return { ...collected, [method.id]: { ...collected[method.id], [name]: value } };
}
