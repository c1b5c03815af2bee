import { describe, expect, it } from 'vitest';
import { formatEndpoint, readyEndpoints, slicesByService } from './endpoint-slices.ts';
import type { EndpointSlice } from './service-types.ts';

function slice(name: string, fields: Partial<EndpointSlice>, service = 'web'): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace: 'shop', labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    ...fields,
  };
}

const http = { portName: 'http', protocol: 'TCP' };

describe('slicesByService', () => {
  it('groups slices by namespace and the kubernetes.io/service-name label, ignoring unlabelled ones', () => {
    const a = slice('web-1', {});
    const b = slice('web-2', {});
    const c = slice('api-1', {}, 'api');
    const orphan: EndpointSlice = { metadata: { name: 'x', namespace: 'shop' }, addressType: 'IPv4' };
    const grouped = slicesByService([a, b, c, orphan]);
    expect([...grouped.keys()]).toEqual(['shop/web', 'shop/api']);
    expect(grouped.get('shop/web')).toEqual([a, b]);
  });
});

describe('readyEndpoints', () => {
  it('takes the port matched by name and protocol, and endpoints whose ready condition is not false', () => {
    const s = slice('web-1', {
      ports: [{ name: 'metrics', port: 9090 }, { name: 'http', port: 8080, protocol: 'TCP' }, { name: 'http', port: 53, protocol: 'UDP' }],
      endpoints: [
        { addresses: ['127.0.0.9'], conditions: { ready: true } },
        { addresses: ['127.0.0.10'], conditions: {} },
        { addresses: ['127.0.0.11'], conditions: { ready: false, serving: true, terminating: true } },
        { addresses: ['127.0.0.12', '127.0.0.13'] },
      ],
    });
    expect(readyEndpoints([s], http).map(formatEndpoint)).toEqual(['127.0.0.9:8080', '127.0.0.10:8080', '127.0.0.12:8080']);
  });

  it('matches an unnamed Service port to an unnamed slice port (name empty or absent)', () => {
    const s = slice('web-1', { ports: [{ port: 80 }], endpoints: [{ addresses: ['10.0.0.1'] }] });
    const t = slice('web-2', { ports: [{ name: '', port: 81 }], endpoints: [{ addresses: ['10.0.0.2'] }] });
    expect(readyEndpoints([s, t], { portName: '', protocol: 'TCP' }).map(formatEndpoint)).toEqual(['10.0.0.1:80', '10.0.0.2:81']);
  });

  it('merges slices, counting an address:port listed twice once, in a stable order', () => {
    const s = slice('web-1', { ports: [{ name: 'http', port: 80 }], endpoints: [{ addresses: ['10.0.0.2'] }, { addresses: ['10.0.0.1'] }] });
    const t = slice('web-2', { ports: [{ name: 'http', port: 80 }], endpoints: [{ addresses: ['10.0.0.1'] }] });
    expect(readyEndpoints([s, t], http).map(formatEndpoint)).toEqual(['10.0.0.1:80', '10.0.0.2:80']);
  });

  it('skips FQDN slices and slices without the port', () => {
    const fqdn = slice('web-1', { addressType: 'FQDN', ports: [{ name: 'http', port: 80 }], endpoints: [{ addresses: ['example.com'] }] });
    const other = slice('web-2', { ports: [{ name: 'grpc', port: 90 }], endpoints: [{ addresses: ['10.0.0.1'] }] });
    expect(readyEndpoints([fqdn, other], http)).toEqual([]);
  });

  it('keeps only this node\'s endpoints when asked (internalTrafficPolicy Local)', () => {
    const s = slice('web-1', {
      ports: [{ name: 'http', port: 80 }],
      endpoints: [{ addresses: ['10.0.0.1'], nodeName: 'n1' }, { addresses: ['10.0.0.2'], nodeName: 'n2' }],
    });
    expect(readyEndpoints([s], { ...http, nodeName: 'n2' }).map(formatEndpoint)).toEqual(['10.0.0.2:80']);
  });

  it('brackets IPv6 endpoints when formatting', () => {
    expect(formatEndpoint({ ip: 'fd00::1', port: 80 })).toBe('[fd00::1]:80');
  });
});
