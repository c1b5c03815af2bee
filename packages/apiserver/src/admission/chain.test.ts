import { describe, expect, it } from 'vitest';
import { forbidden } from '@hubspoke/api';
import { admissionChain } from './chain.ts';
import type { AdmissionPlugin } from './plugin.ts';
import { attributes, contextOf } from './test-support.ts';

function recorder(name: string, calls: string[], over: Partial<AdmissionPlugin> = {}): AdmissionPlugin {
  return {
    name,
    operations: ['CREATE', 'UPDATE'],
    admit: () => void calls.push(`${name}.admit`),
    validate: () => void calls.push(`${name}.validate`),
    ...over,
  };
}

describe('admissionChain', () => {
  it('runs each phase over every plugin in order, and only for the operations a plugin handles', async () => {
    const calls: string[] = [];
    const chain = admissionChain([recorder('A', calls), recorder('B', calls, { operations: ['DELETE'] }), recorder('C', calls)], contextOf({}));
    await chain.admit(attributes({ operation: 'CREATE' }));
    await chain.validate(attributes({ operation: 'CREATE' }));
    expect(calls).toEqual(['A.admit', 'C.admit', 'A.validate', 'C.validate']);
    expect(chain.plugins).toEqual(['A', 'B', 'C']);
  });

  it('throws the first refusal and asks no later plugin', async () => {
    const calls: string[] = [];
    const refusal = forbidden('pods "web" is forbidden: no');
    const chain = admissionChain([recorder('A', calls, { admit: () => refusal }), recorder('B', calls)], contextOf({}));
    await expect(chain.admit(attributes({ operation: 'UPDATE' }))).rejects.toBe(refusal);
    expect(calls).toEqual([]);
  });

  it('lets mutating plugins change the object the next plugin sees', async () => {
    const seen: unknown[] = [];
    const chain = admissionChain(
      [
        { name: 'Label', operations: ['CREATE'], admit: (a) => void (a.object!.metadata.labels = { set: 'yes' }) },
        { name: 'Look', operations: ['CREATE'], validate: (a) => void seen.push(a.object!.metadata.labels) },
      ],
      contextOf({}),
    );
    const attrs = attributes({ operation: 'CREATE', object: { metadata: { name: 'web' } } });
    await chain.admit(attrs);
    await chain.validate(attrs);
    expect(seen).toEqual([{ set: 'yes' }]);
  });
});
