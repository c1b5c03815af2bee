// PEM framing: the textual envelope every certificate, key and request in this package travels in.

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** One decoded PEM block: its label ("CERTIFICATE", "PRIVATE KEY", …) and DER bytes. */
export interface PemBlock {
  label: string;
  der: Buffer;
}

/** Every PEM block in `text`, in order; text outside blocks is ignored, as Go's pem.Decode does. */
export function decodePemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(PEM_BLOCK)) {
    blocks.push({ label: match[1], der: Buffer.from(match[2].replace(/\s+/g, ''), 'base64') });
  }
  return blocks;
}

/** The DER of every block labelled `label` (e.g. all certificates of a CA bundle). */
export function decodePemAll(text: string, label: string): Buffer[] {
  return decodePemBlocks(text)
    .filter((block) => block.label === label)
    .map((block) => block.der);
}

/** DER bytes wrapped as PEM with 64-column base64 lines and a trailing newline. */
export function encodePem(label: string, der: Uint8Array): string {
  const body = Buffer.from(der).toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${body.join('\n')}\n-----END ${label}-----\n`;
}

/** PEM with exactly one trailing newline, so concatenated PEMs stay parseable (@peculiar/x509 omits it). */
export function terminatePem(pem: string): string {
  return pem.endsWith('\n') ? pem : `${pem}\n`;
}

/** The PEM certificates of a bundle, each re-encoded on its own (ca.crt files may hold several). */
export function splitCertificateBundle(text: string): string[] {
  return decodePemAll(text, 'CERTIFICATE').map((der) => encodePem('CERTIFICATE', der));
}
