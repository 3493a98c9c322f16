// A small RFC 4180 CSV reader (quoted fields, doubled quotes, newlines inside quotes).
import { BenchDataError } from './errors.js';

export function parseCsv(text: string, file = '(csv)'): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      line++;
    } else field += c;
  }
  if (quoted) throw new BenchDataError(file, `line ${line}`, '(quotes)', 'a closing quote', 'end of file');
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  if (rows.length === 0) throw new BenchDataError(file, 'whole file', '(rows)', 'at least a header row', 'an empty file');
  return rows;
}
