// @hubspoke/sshd: a node's SSH server that only forwards TCP (direct-tcpip) for the apiserver's key.
export { startSshd, type DestinationPolicy, type Sshd, type SshConnectionInfo, type SshdOptions } from './sshd.ts';
export { parseAuthorizedKeys, findAuthorizedKey, type AuthorizedKey, type AuthorizedKeys } from './authorized-keys.ts';
export { generateHostKeyPem, loadHostKey, sshFingerprint, type HostKey } from './host-key.ts';
export { loadOrCreateHostKeyFile, type HostKeyFile } from './host-key-file.ts';
export type { ForwardRequest } from './forward.ts';
export { parseSshdArgs, type ParsedSshdArgs } from './bin/flags.ts';
export { testKeyPair, type TestKeyPair } from './testing/key-pair.ts';
