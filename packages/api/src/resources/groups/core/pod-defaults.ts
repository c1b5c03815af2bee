// What the apiserver fills into a Pod before storing it: v1 defaulting (SetDefaults_Pod, _PodSpec,
// _Container, _Probe), plus the admission plugins every real cluster runs on create — ServiceAccount
// (`default`), Priority (0, PreemptLowerPriority) and DefaultTolerationSeconds (300 s for not-ready and
// unreachable nodes) — and the Pending phase and QoS class the strategy records.
import type { KubeObject } from '../../../meta.ts';
import { defaultPullPolicy } from './image.ts';
import type { Container, Pod, Probe, Toleration } from './pod-types.ts';
import { podQOSClass } from './qos.ts';

/** Seconds a pod stays bound to a not-ready or unreachable node (`--default-not-ready-toleration-seconds`). */
export const DEFAULT_TOLERATION_SECONDS = 300;

const NODE_TAINTS = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];

/** Fills a pod's defaulted fields in place. */
export function defaultPod(obj: KubeObject): void {
  const pod = obj as Pod;
  const spec = (pod.spec ??= {});
  spec.dnsPolicy ||= 'ClusterFirst';
  spec.restartPolicy ||= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.securityContext ??= {};
  spec.schedulerName ||= 'default-scheduler';
  spec.enableServiceLinks ??= true;
  spec.priority ??= 0;
  spec.preemptionPolicy ||= 'PreemptLowerPriority';
  // The deprecated field still names the account when a client only sets it (v1 conversion). `default` is the
  // ServiceAccount admission plugin's to fill, since it must leave mirror pods without one.
  spec.serviceAccountName ||= spec.serviceAccount;
  if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
  else delete spec.serviceAccount;
  for (const c of spec.initContainers ?? []) defaultContainer(c, spec.hostNetwork === true);
  for (const c of spec.containers ?? []) defaultContainer(c, spec.hostNetwork === true);
  addDefaultTolerations(spec.tolerations ??= []);
  const status = (pod.status ??= {});
  status.phase ||= 'Pending';
  status.qosClass ||= podQOSClass(pod);
}

function defaultContainer(c: Container, hostNetwork: boolean): void {
  if (!c.imagePullPolicy) c.imagePullPolicy = defaultPullPolicy(c.image ?? '');
  c.terminationMessagePath ||= '/dev/termination-log';
  c.terminationMessagePolicy ||= 'File';
  const resources = (c.resources ??= {});
  // Limits without requests mean "request what you limit".
  if (resources.limits) {
    resources.requests ??= {};
    for (const [name, value] of Object.entries(resources.limits)) resources.requests[name] ??= value;
  }
  for (const p of c.ports ?? []) {
    p.protocol ||= 'TCP';
    if (hostNetwork && !p.hostPort) p.hostPort = p.containerPort;
  }
  for (const e of c.env ?? []) {
    const ref = e.valueFrom?.fieldRef;
    if (ref) ref.apiVersion ||= 'v1';
  }
  for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) if (probe) defaultProbe(probe);
}

function defaultProbe(p: Probe): void {
  p.timeoutSeconds ||= 1;
  p.periodSeconds ||= 10;
  p.successThreshold ||= 1;
  p.failureThreshold ||= 3;
  if (p.httpGet) {
    p.httpGet.path ||= '/';
    p.httpGet.scheme ||= 'HTTP';
  }
}

// DefaultTolerationSeconds: a toleration with an empty key or empty effect already covers the taint.
function addDefaultTolerations(tolerations: Toleration[]): void {
  for (const key of NODE_TAINTS) {
    const covered = tolerations.some(
      (t) => (t.key === key || !t.key) && (t.effect === 'NoExecute' || !t.effect),
    );
    if (!covered) {
      tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: DEFAULT_TOLERATION_SECONDS });
    }
  }
}
