// The resize stream carries a sequence of JSON objects (`{"Width":120,"Height":40}`, one per newline from Go's
// json.Encoder), split across data frames anywhere. The kubelet reads them with a streaming json.Decoder;
// this cuts the byte stream at the end of each top-level object instead.
import { StringDecoder } from 'node:string_decoder';
import type { TerminalSize } from '../types.ts';

/** Turns resize-stream bytes into terminal sizes; malformed objects are skipped. */
export class TerminalSizeDecoder {
  private readonly utf8 = new StringDecoder('utf8');
  private pending = '';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private scanned = 0;

  /** Adds bytes and returns every size they complete. */
  push(chunk: Buffer): TerminalSize[] {
    this.pending += this.utf8.write(chunk);
    const sizes: TerminalSize[] = [];
    for (let i = this.scanned; i < this.pending.length; i++) {
      const ch = this.pending[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (ch === '\\') this.escaped = true;
        else if (ch === '"') this.inString = false;
      } else if (ch === '"') this.inString = true;
      else if (ch === '{') this.depth++;
      else if (ch === '}' && this.depth > 0 && --this.depth === 0) {
        const size = parseTerminalSize(this.pending.slice(0, i + 1));
        if (size) sizes.push(size);
        this.pending = this.pending.slice(i + 1);
        i = -1;
      }
    }
    this.scanned = this.pending.length;
    // Nothing but whitespace between objects is kept; anything else outside an object can never parse.
    if (this.depth === 0) {
      this.pending = '';
      this.scanned = 0;
      this.inString = false;
      this.escaped = false;
    }
    return sizes;
  }
}

/** Reads `{"Width":..,"Height":..}` (Go's field names) or the lowercase keys client-node sends. */
export function parseTerminalSize(text: string): TerminalSize | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const width = record.Width ?? record.width;
  const height = record.Height ?? record.height;
  if (typeof width !== 'number' || typeof height !== 'number') return undefined;
  return { width, height };
}
