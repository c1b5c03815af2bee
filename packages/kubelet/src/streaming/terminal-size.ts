// The resize stream: a sequence of JSON objects `{"Width":120,"Height":40}` read as Go's json.Decoder reads
// them, so objects may arrive split across messages or several in one, and field names match
// case-insensitively (client-node sends `width`/`height`). A malformed object ends resize handling.
import type { TerminalSize } from './types.ts';

/** Turns resize-stream bytes into terminal sizes. */
export class TerminalSizeDecoder {
  private pending = '';
  private broken = false;

  /** Feeds bytes; returns the complete sizes they finish. */
  push(chunk: Buffer | string): TerminalSize[] {
    if (this.broken) return [];
    this.pending += chunk.toString();
    const sizes: TerminalSize[] = [];
    for (;;) {
      const start = this.pending.search(/\S/);
      if (start < 0) {
        this.pending = '';
        return sizes;
      }
      const end = objectEnd(this.pending, start);
      if (end === undefined) {
        this.pending = this.pending.slice(start);
        return sizes;
      }
      const size = parseSize(this.pending.slice(start, end));
      this.pending = this.pending.slice(end);
      if (!size) {
        this.broken = true;
        return sizes;
      }
      sizes.push(size);
    }
  }
}

/** Where the JSON value starting at `start` ends, or undefined while it is incomplete. */
function objectEnd(text: string, start: number): number | undefined {
  if (text[start] !== '{') return start + 1; // not an object: let parseSize reject it
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i + 1;
  }
  return undefined;
}

function parseSize(text: string): TerminalSize | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const size: TerminalSize = { width: 0, height: 0 };
  for (const [key, v] of Object.entries(value)) {
    const field = key.toLowerCase();
    if (field !== 'width' && field !== 'height') continue;
    // uint16 in Go: anything else fails to decode.
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffff) return undefined;
    size[field] = v;
  }
  return size;
}
