// Reads the distinguished names Node prints for `X509Certificate.subject`/`.issuer`: one RDN per line,
// multi-valued RDNs joined by " + ", values escaped as RFC 2253 does (`\,`, `\+`, `\0A` for bytes).

/** One attribute of a distinguished name: `{ type: 'O', value: 'system:masters' }`. */
export interface NameAttribute {
  type: string;
  value: string;
}

/** Every attribute of a name as Node formats it, in order, with escapes undone. */
export function parseDistinguishedName(text: string): NameAttribute[] {
  const attributes: NameAttribute[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    for (const part of splitMultiValued(line)) {
      const eq = part.indexOf('=');
      if (eq <= 0) continue;
      attributes.push({ type: part.slice(0, eq), value: unescapeValue(part.slice(eq + 1)) });
    }
  }
  return attributes;
}

/** The values of one attribute type, in order (`O` gives every organization). */
export function attributeValues(attributes: NameAttribute[], type: string): string[] {
  return attributes.filter((a) => a.type === type).map((a) => a.value);
}

// A literal '+' inside a value is always escaped, so an unescaped " + " can only separate RDN members.
function splitMultiValued(line: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\') {
      i++;
      continue;
    }
    if (line[i] === '+' && line[i - 1] === ' ' && line[i + 1] === ' ') {
      parts.push(line.slice(start, i - 1));
      start = i + 2;
    }
  }
  parts.push(line.slice(start));
  return parts;
}

function unescapeValue(escaped: string): string {
  // Hex escapes are raw bytes of a UTF-8 sequence, so bytes are collected first and decoded once.
  const chunks: Buffer[] = [];
  for (const [, hex, char, text] of escaped.matchAll(/\\([0-9A-Fa-f]{2})|\\([\s\S])|([^\\]+|\\$)/g)) {
    if (hex !== undefined) chunks.push(Buffer.from([parseInt(hex, 16)]));
    else chunks.push(Buffer.from(char ?? text, 'utf8'));
  }
  return Buffer.concat(chunks).toString('utf8');
}
