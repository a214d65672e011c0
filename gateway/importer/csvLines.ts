/**
 * A CSV reader that keeps going: every physical line is one record, parsed on
 * its own, so a quote problem costs that line only. A quoted field must close
 * on the line it opens on (no import needs a value over several lines); an
 * unterminated quote therefore swallows nothing but its own line, and a stray
 * quote inside a field or text after a closing quote is an error for that
 * line. Fields are trimmed; `""` inside quotes is a quote; empty lines are
 * skipped.
 */
export type CsvLine = { line: number; fields: string[] } | { line: number; error: string };

export function csvLines(text: string): CsvLine[] {
  const out: CsvLine[] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  lines.forEach((raw, i) => {
    const body = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (body === '') return;
    out.push({ line: i + 1, ...parseLine(body) });
  });
  return out;
}

function parseLine(s: string): { fields: string[] } | { error: string } {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    while (s[i] === ' ' || s[i] === '\t') i++;
    let value: string;
    if (s[i] === '"') {
      const q = quoted(s, i + 1);
      if ('error' in q) return q;
      value = q.value;
      i = q.next;
      while (s[i] === ' ' || s[i] === '\t') i++;
      if (i < s.length && s[i] !== ',')
        return { error: `text after a closing quote (column ${fields.length + 1}, character ${i + 1})` };
    } else {
      const end = s.indexOf(',', i);
      value = (end === -1 ? s.slice(i) : s.slice(i, end)).trim();
      if (value.includes('"'))
        return { error: `stray quote inside an unquoted field (column ${fields.length + 1})` };
      i = end === -1 ? s.length : end;
    }
    fields.push(value);
    if (i >= s.length) return { fields };
    i++; // the comma
  }
}

function quoted(s: string, from: number): { value: string; next: number } | { error: string } {
  let value = '';
  let i = from;
  for (;;) {
    const q = s.indexOf('"', i);
    if (q === -1) return { error: 'unterminated quote (a quoted value must close on its own line)' };
    value += s.slice(i, q);
    if (s[q + 1] === '"') {
      value += '"';
      i = q + 2;
      continue;
    }
    return { value, next: q + 1 };
  }
}
