// Splits a byte stream of newline-delimited JSON (the watch wire format) into values. Bytes are split on
// '\n' before decoding, so a multi-byte character or an object cut across TCP chunks is reassembled intact.

/** Incremental decoder: feed chunks with `push`, collect complete values; `end` flushes a final line. */
export class JsonLineDecoder {
  private pending: Buffer[] = [];

  /** The values completed by this chunk, in order. Throws SyntaxError on a malformed line. */
  push(chunk: Buffer | string): unknown[] {
    let bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    const values: unknown[] = [];
    let newline = bytes.indexOf(0x0a);
    while (newline !== -1) {
      this.pending.push(bytes.subarray(0, newline));
      const line = Buffer.concat(this.pending);
      this.pending = [];
      const value = parseLine(line);
      if (value !== undefined) values.push(value);
      bytes = bytes.subarray(newline + 1);
      newline = bytes.indexOf(0x0a);
    }
    if (bytes.length > 0) this.pending.push(bytes);
    return values;
  }

  /** The last value when the stream ended without a trailing newline. */
  end(): unknown[] {
    const line = Buffer.concat(this.pending);
    this.pending = [];
    const value = parseLine(line);
    return value === undefined ? [] : [value];
  }
}

function parseLine(line: Buffer): unknown {
  const text = line.toString('utf8').trim();
  if (!text) return undefined;
  return JSON.parse(text);
}
