// kubectl's write paths: run, apply, create, label, edit, get -o yaml and delete, with the pod really
// scheduled, started by its node's kubelet, reported back and stopped on deletion.
import { chmod, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, waitFor, type Cluster } from '@hubspoke/lab';
import { kubectl } from './support/kubectl.ts';

let cluster: Cluster;
const k = (args: string[], input?: string, env?: Record<string, string>) =>
  kubectl(args, { kubeconfig: cluster.adminKubeconfig, input, env });

async function phaseOf(name: string): Promise<string> {
  const r = await k(['get', 'pod', name, '-o', 'jsonpath={.status.phase}']);
  return r.stdout;
}

beforeAll(async () => {
  cluster = await startCluster({ nodes: 2 });
});

afterAll(async () => {
  await cluster?.close();
});

describe('kubectl writes', () => {
  it('runs a pod that gets scheduled, started and reported Running', async () => {
    const r = await k(['run', 'hello', '--image=nginx', '--port=80']);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('pod/hello created');
    await waitFor(async () => (await phaseOf('hello')) === 'Running' || (await phaseOf('hello')) === 'Failed', { timeoutMs: 15_000, what: 'hello started' });
    const y = parseYaml((await k(['get', 'pod', 'hello', '-o', 'yaml'])).stdout);
    expect(y.spec.nodeName).toMatch(/^node-[12]$/);
    expect(y.spec.containers[0].imagePullPolicy).toBe('Always');
    expect(y.status.podIP).toMatch(/^127\.244\./);
    expect(y.status.conditions.map((c: { type: string }) => c.type)).toEqual(expect.arrayContaining(['PodScheduled', 'Initialized', 'ContainersReady', 'Ready']));
    expect(y.status.containerStatuses[0]).toMatchObject({ name: 'hello', image: 'nginx' });
    expect(typeof y.status.containerStatuses[0].restartCount).toBe('number');
  });

  it('applies a manifest, then reports it configured and unchanged', async () => {
    const manifest = (label: string) => `apiVersion: v1
kind: Pod
metadata:
  name: applied
  labels:
    tier: ${label}
spec:
  containers:
  - name: log
    image: hubspoke/logger:1.0
`;
    const first = await k(['apply', '-f', '-'], manifest('a'));
    expect(first.stderr).toBe('');
    expect(first.stdout.trim()).toBe('pod/applied created');
    const second = await k(['apply', '-f', '-'], manifest('b'));
    expect(second.stdout.trim()).toBe('pod/applied configured');
    const third = await k(['apply', '-f', '-'], manifest('b'));
    expect(third.stdout.trim()).toBe('pod/applied unchanged');
    const labels = (await k(['get', 'pod', 'applied', '-o', 'jsonpath={.metadata.labels.tier}'])).stdout;
    expect(labels).toBe('b');
    await waitFor(async () => (await phaseOf('applied')) === 'Running', { timeoutMs: 15_000, what: 'applied Running' });
  });

  it('creates from a file and refuses a duplicate with AlreadyExists', async () => {
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: "1"\n';
    expect((await k(['create', '-f', '-'], cm)).stdout.trim()).toBe('configmap/settings created');
    const again = await k(['create', '-f', '-'], cm);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe('Error from server (AlreadyExists): error when creating "STDIN": configmaps "settings" already exists');
  });

  it('labels a pod and shows the labels', async () => {
    await k(['run', 'tagged', '--image=hubspoke/logger']);
    const r = await k(['label', 'pod', 'tagged', 'team=blue']);
    expect(r.stdout.trim()).toBe('pod/tagged labeled');
    const show = await k(['get', 'pod', 'tagged', '--show-labels', '--no-headers']);
    expect(show.stdout).toContain('team=blue');
    expect(show.stdout).toContain('run=tagged');
  });

  it('edits a pod through $EDITOR', async () => {
    await k(['run', 'editable', '--image=hubspoke/logger']);
    const dir = await mkdtemp(join(tmpdir(), 'editor-'));
    const editor = join(dir, 'editor.sh');
    await writeFile(editor, `#!/bin/sh\nsed -i 's/run: editable/run: editable\\n    edited: "yes"/' "$1"\n`);
    await chmod(editor, 0o755);
    const r = await k(['edit', 'pod', 'editable'], undefined, { EDITOR: editor, KUBE_EDITOR: editor });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('pod/editable edited');
    expect((await k(['get', 'pod', 'editable', '-o', 'jsonpath={.metadata.labels.edited}'])).stdout).toBe('yes');
  });

  it('patches with strategic merge, merge and JSON patches', async () => {
    await k(['create', 'configmap', 'patched', '--from-literal=a=1']);
    expect((await k(['patch', 'configmap', 'patched', '-p', '{"data":{"b":"2"}}'])).stdout.trim()).toBe('configmap/patched patched');
    expect((await k(['patch', 'configmap', 'patched', '--type=merge', '-p', '{"data":{"a":null}}'])).stdout.trim()).toBe('configmap/patched patched');
    expect((await k(['patch', 'configmap', 'patched', '--type=json', '-p', '[{"op":"add","path":"/data/c","value":"3"}]'])).stdout.trim()).toBe('configmap/patched patched');
    expect(JSON.parse((await k(['get', 'configmap', 'patched', '-o', 'jsonpath={.data}'])).stdout)).toEqual({ b: '2', c: '3' });
    const bad = await k(['patch', 'configmap', 'patched', '--type=json', '-p', '[{"op":"test","path":"/data/b","value":"nope"}]']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('the server rejected our request due to an error in our request');
    await k(['run', 'patchpod', '--image=hubspoke/logger']);
    const spm = await k(['patch', 'pod', 'patchpod', '-p', '{"spec":{"containers":[{"name":"patchpod","image":"hubspoke/logger:2"}]}}']);
    expect(spm.stdout.trim()).toBe('pod/patchpod patched');
    const pod = JSON.parse((await k(['get', 'pod', 'patchpod', '-o', 'json'])).stdout);
    expect(pod.spec.containers).toHaveLength(1);
    expect(pod.spec.containers[0]).toMatchObject({ name: 'patchpod', image: 'hubspoke/logger:2', terminationMessagePath: '/dev/termination-log' });
  });

  it('names objects from generateName', async () => {
    const r = await k(['create', '-f', '-', '-o', 'name'], 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: gen-\n');
    expect(r.stdout.trim()).toMatch(/^configmap\/gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('deletes a pod: the kubelet stops it and the object goes away', async () => {
    await k(['run', 'doomed', '--image=hubspoke/logger']);
    await waitFor(async () => (await phaseOf('doomed')) === 'Running', { timeoutMs: 15_000, what: 'doomed Running' });
    const nodeName = (await k(['get', 'pod', 'doomed', '-o', 'jsonpath={.spec.nodeName}'])).stdout;
    const kubelet = cluster.kubelets.find((kl) => kl.nodeName === nodeName)!;
    expect(kubelet.pods().some((p) => p.metadata.name === 'doomed')).toBe(true);
    const r = await k(['delete', 'pod', 'doomed', '--grace-period=1']);
    expect(r.stdout.trim()).toBe('pod "doomed" deleted');
    const gone = await k(['get', 'pod', 'doomed']);
    expect(gone.stderr.trim()).toBe('Error from server (NotFound): pods "doomed" not found');
    expect(kubelet.pods().some((p) => p.metadata.name === 'doomed')).toBe(false);
  });
});
