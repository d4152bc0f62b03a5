import { MethodParameter, PerturbationMethod } from './PerturbationMethod';

/**
 * The values of a method's declared parameters from user input (numbers may arrive as text from
 * a form or a command line), each checked against its declaration. Throws on an unknown name or a
 * value out of range, naming what is allowed.
 */
export function checkMethodOptions(
  method: PerturbationMethod<object>,
  values: Record<string, unknown>,
): Record<string, number | string> {
  const checked: Record<string, number | string> = {};
  for (const [key, value] of Object.entries(values)) {
    const parameter = method.parameters.find((p) => p.key === key);
    if (!parameter) {
      const known = method.parameters.map((p) => p.key).join(', ') || 'none';
      throw new Error(`${method.label} has no option "${key}". Its options: ${known}.`);
    }
    checked[key] = checkValue(method, parameter, value);
  }
  return checked;
}

function checkValue(
  method: PerturbationMethod<object>,
  parameter: MethodParameter,
  value: unknown,
): number | string {
  const name = `${method.label} ${parameter.key}`;
  if (parameter.kind === 'choice') {
    if (typeof value !== 'string' || !parameter.choices!.includes(value)) {
      throw new Error(`${name} must be one of ${parameter.choices!.join(', ')}, got "${String(value)}".`);
    }
    return value;
  }
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  const integer = parameter.kind === 'integer';
  if (typeof number !== 'number' || !Number.isFinite(number) || (integer && !Number.isInteger(number))) {
    throw new Error(`${name} must be ${integer ? 'an integer' : 'a number'}, got "${String(value)}".`);
  }
  if (
    (parameter.min !== undefined && number < parameter.min) ||
    (parameter.max !== undefined && number > parameter.max)
  ) {
    throw new Error(
      `${name} must be between ${parameter.min ?? '−∞'} and ${parameter.max ?? '∞'}, got ${number}.`,
    );
  }
  return number;
}
