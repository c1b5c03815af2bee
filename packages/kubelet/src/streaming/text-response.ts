// Plain-text answers of the streaming endpoints: errors as go-restful's WriteError writes them (the status
// and the bare error text, typed by Go's content sniffing), and Go's http.Error for a missing upgrade.
import type { ServerResponse } from 'node:http';

/** Answers `status` with `text` (unless an answer is already under way). */
export function writeTextResponse(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** exec, attach and portForward without an upgrade: `http.Error(w, "Upgrade request required", 400)`. */
export function upgradeRequired(res: ServerResponse): void {
  res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  res.end('Upgrade request required\n');
}
