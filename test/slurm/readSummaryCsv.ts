import * as fs from 'fs';

/** A cohort summary CSV (RFC 4180, as summaryCsv writes it) as one record per row, by column name. */
export function readSummaryCsv(file: string): Record<string, string>[] {
  const text = fs.readFileSync(file, 'utf8');
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted && char === '"' && text[i + 1] === '"') field += text[++i];
    else if (char === '"') quoted = !quoted;
    else if (quoted || (char !== ',' && char !== '\n')) field += char;
    else {
      row.push(field);
      field = '';
      if (char === '\n') {
        rows.push(row);
        row = [];
      }
    }
  }
  const [header, ...lines] = rows;
  return lines.map((line) => Object.fromEntries(header.map((column, n) => [column, line[n]])));
}
