import { InvalidArgumentError } from 'commander';

const UNITS: Record<string, number> = { '': 1e6, MB: 1e6, GB: 1e9 };

/** A --memory-budget value in bytes: "7.5GB", "800MB" or a plain number of MB (decimal units). */
export function parseMemorySize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(MB|GB)?\s*$/i.exec(text);
  const value = match ? Number(match[1]) * UNITS[(match[2] ?? '').toUpperCase()] : NaN;
  if (!(value > 0)) {
    throw new InvalidArgumentError(
      `--memory-budget must be a size such as 800MB or 7.5GB (MB when no unit), got "${text}".`,
    );
  }
  return value;
}
