// The query of an exec or attach request to the kubelet: `command` (repeated), `input`, `output`, `error`,
// `tty`. The kubelet reads each flag as "1" (what the apiserver sends); "true" is accepted too.
import type { RemoteCommandOptions } from './types.ts';

/** A parsed exec/attach query, or the kubelet's 400 message. */
export type RemoteCommandQuery =
  | { kind: 'ok'; options: RemoteCommandOptions; command: string[] }
  | { kind: 'invalid'; message: string };

/** Reads the streams asked for and the command (empty for attach). */
export function parseRemoteCommandQuery(query: URLSearchParams): RemoteCommandQuery {
  const flag = (name: string) => {
    const value = query.get(name);
    return value === '1' || value === 'true';
  };
  const tty = flag('tty');
  const options: RemoteCommandOptions = {
    stdin: flag('input'),
    stdout: flag('output'),
    // A terminal has one output stream: Kubernetes drops stderr when tty is set.
    stderr: flag('error') && !tty,
    tty,
  };
  if (!options.stdin && !options.stdout && !options.stderr) {
    return { kind: 'invalid', message: 'you must specify at least 1 of stdin, stdout, stderr' };
  }
  return { kind: 'ok', options, command: query.getAll('command') };
}
