import { describe, expect, it } from 'vitest';
import {
  encodeGoQuery,
  goQueryEscape,
  kubeletLogQuery,
  kubeletPortForwardQuery,
  kubeletStreamQuery,
  parsePodLogOptions,
  parsePodStreamOptions,
  parsePortForwardPorts,
  validatePodLogOptions,
} from './connect-options.ts';

const q = (s: string) => new URLSearchParams(s);

describe('pod log options', () => {
  it('reads booleans as apimachinery does: absent false, 0/false false, anything else (even empty) true', () => {
    const opts = parsePodLogOptions(q('follow&previous=FALSE&timestamps=yes'));
    expect([opts.follow, opts.previous, opts.timestamps]).toEqual([true, false, true]);
  });

  it('builds the kubelet query sorted by key with booleans as true', () => {
    const opts = parsePodLogOptions(q('tailLines=5&follow=1&limitBytes=10&timestamps=true&sinceTime=2024-01-02T03:04:05Z'));
    expect(kubeletLogQuery(opts)).toBe('follow=true&limitBytes=10&sinceTime=2024-01-02T03%3A04%3A05Z&tailLines=5&timestamps=true');
    expect(kubeletLogQuery(parsePodLogOptions(q('')))).toBe('');
  });

  it('refuses unparsable numbers and times with 400', () => {
    expect(() => parsePodLogOptions(q('tailLines=ten'))).toThrow('strconv.ParseInt: parsing "ten": invalid syntax');
    expect(() => parsePodLogOptions(q('sinceTime=yesterday'))).toThrow(/^parsing time "yesterday" as "2006-01-02T15:04:05Z07:00"/);
  });

  it('lists every invalid field in one 422', () => {
    const opts = parsePodLogOptions(q('tailLines=-1&limitBytes=0'));
    expect(() => validatePodLogOptions(opts, 'web')).toThrow(
      'PodLogOptions "web" is invalid: [tailLines: Invalid value: -1: must be greater than or equal to 0, limitBytes: Invalid value: 0: must be greater than 0]',
    );
    expect(() => validatePodLogOptions(parsePodLogOptions(q('tailLines=0&sinceSeconds=1')), 'web')).not.toThrow();
  });
});

describe('exec, attach and port-forward options', () => {
  it('maps stdin/stdout/stderr/tty to input/output/error/tty and keeps every command word in order', () => {
    const opts = parsePodStreamOptions(q('command=sh&command=-c&command=echo%20a%2Bb&stdin=1&stdout=1&stderr=0&tty=true&container=c'));
    expect(opts.container).toBe('c');
    expect(kubeletStreamQuery(opts, true)).toBe('command=sh&command=-c&command=echo+a%2Bb&input=1&output=1&tty=1');
    expect(kubeletStreamQuery(opts, false)).toBe('input=1&output=1&tty=1');
  });

  it('renames repeated ports to one comma-joined port', () => {
    expect(kubeletPortForwardQuery(parsePortForwardPorts(q('ports=8080&ports=9090')))).toBe('port=8080%2C9090');
    expect(kubeletPortForwardQuery(parsePortForwardPorts(q('')))).toBe('');
    expect(() => parsePortForwardPorts(q('ports=http'))).toThrow('strconv.ParseInt: parsing "http": invalid syntax');
  });
});

describe("Go's query encoding", () => {
  it('escapes like url.QueryEscape and sorts keys stably', () => {
    expect(goQueryEscape("a b*c~d!'()/:")).toBe('a+b%2Ac~d%21%27%28%29%2F%3A');
    expect(encodeGoQuery([['b', '2'], ['a', 'x'], ['b', '1']])).toBe('a=x&b=2&b=1');
  });
});
