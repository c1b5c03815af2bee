// Pod validation with Kubernetes' messages (pkg/apis/core/validation): containers, ports, policies and
// tolerations on create; on update, the pod spec is immutable except images, activeDeadlineSeconds and
// added tolerations.
import type { FieldError } from '../../../errors.ts';
import { forbiddenField, invalidValue, notSupported, required } from '../../../errors.ts';
import type { KubeObject } from '../../../meta.ts';
import {
  diffLines,
  duplicate,
  inclusiveRangeError,
  isDNS1123Label,
  isQualifiedName,
  isValidLabelValue,
  isValidPortName,
  isValidPortNum,
  nameIsDNSSubdomain,
  semanticEqual,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../../validation/index.ts';
import type { Container, ContainerPort, Pod, PodSpec, Toleration } from './pod-types.ts';

const MAX_INT32 = 2 ** 31 - 1;
const PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const DNS_POLICIES = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];

/** Everything wrong with a pod (and, on update, with the change from `old`). */
export function validatePod(obj: KubeObject, old?: KubeObject): FieldError[] {
  const pod = obj as Pod;
  const errs = validateObjectMeta(pod.metadata, { namespaced: true, name: nameIsDNSSubdomain });
  errs.push(...validatePodSpec(pod.spec ?? {}, 'spec'));
  if (old) {
    errs.push(...validateObjectMetaUpdate(pod.metadata, old.metadata));
    errs.push(...validatePodSpecUpdate(pod.spec ?? {}, (old as Pod).spec ?? {}));
  }
  return errs;
}

/** `ValidatePodSpec`, the parts hubspoke's pods use. */
export function validatePodSpec(spec: PodSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  const containers = spec.containers ?? [];
  if (containers.length === 0) errs.push(required(`${path}.containers`, ''));
  containers.forEach((c, i) => errs.push(...validateContainer(c, `${path}.containers[${i}]`, names)));
  (spec.initContainers ?? []).forEach((c, i) => {
    const p = `${path}.initContainers[${i}]`;
    errs.push(...validateContainer(c, p, names));
    if (c.restartPolicy !== undefined && c.restartPolicy !== 'Always') {
      errs.push(notSupported(`${p}.restartPolicy`, c.restartPolicy, ['Always']));
    }
  });

  const restart = spec.restartPolicy ?? '';
  if (restart === '') errs.push(required(`${path}.restartPolicy`, ''));
  else if (!['Always', 'OnFailure', 'Never'].includes(restart)) {
    errs.push(notSupported(`${path}.restartPolicy`, restart, ['Always', 'OnFailure', 'Never']));
  }
  const dns = spec.dnsPolicy ?? '';
  if (dns === '') errs.push(required(`${path}.dnsPolicy`, ''));
  else if (!DNS_POLICIES.includes(dns)) errs.push(notSupported(`${path}.dnsPolicy`, dns, DNS_POLICIES));

  const deadline = spec.activeDeadlineSeconds;
  if (deadline !== undefined && deadline !== null && (deadline < 1 || deadline > MAX_INT32)) {
    errs.push(invalidValue(`${path}.activeDeadlineSeconds`, deadline, inclusiveRangeError(1, MAX_INT32)));
  }
  if (spec.nodeName) {
    for (const msg of nameIsDNSSubdomain(spec.nodeName, false)) errs.push(invalidValue(`${path}.nodeName`, spec.nodeName, msg));
  }
  if (spec.serviceAccountName) {
    for (const msg of nameIsDNSSubdomain(spec.serviceAccountName, false)) {
      errs.push(invalidValue(`${path}.serviceAccountName`, spec.serviceAccountName, msg));
    }
  }
  errs.push(...validateTolerations(spec.tolerations ?? [], `${path}.tolerations`));
  return errs;
}

// Container names are unique across regular and init containers, hence the shared set.
function validateContainer(c: Container, path: string, names: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  const name = c.name ?? '';
  if (name === '') {
    errs.push(required(`${path}.name`, ''));
  } else {
    for (const msg of isDNS1123Label(name)) errs.push(invalidValue(`${path}.name`, name, msg));
    if (names.has(name)) errs.push(duplicate(`${path}.name`, name));
    names.add(name);
  }
  if (!c.image) errs.push(required(`${path}.image`, ''));
  errs.push(...validateContainerPorts(c.ports ?? [], `${path}.ports`));
  const pull = c.imagePullPolicy ?? '';
  if (pull === '') errs.push(required(`${path}.imagePullPolicy`, ''));
  else if (!['Always', 'IfNotPresent', 'Never'].includes(pull)) {
    errs.push(notSupported(`${path}.imagePullPolicy`, pull, ['Always', 'IfNotPresent', 'Never']));
  }
  const tmp = c.terminationMessagePolicy ?? '';
  if (tmp === '') errs.push(required(`${path}.terminationMessagePolicy`, ''));
  else if (!['File', 'FallbackToLogsOnError'].includes(tmp)) {
    errs.push(notSupported(`${path}.terminationMessagePolicy`, tmp, ['File', 'FallbackToLogsOnError']));
  }
  return errs;
}

function validateContainerPorts(ports: ContainerPort[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const at = `${path}[${i}]`;
    if (p.name) {
      const msgs = isValidPortName(p.name);
      if (msgs.length > 0) for (const msg of msgs) errs.push(invalidValue(`${at}.name`, p.name, msg));
      else if (names.has(p.name)) errs.push(duplicate(`${at}.name`, p.name));
      else names.add(p.name);
    }
    if (!p.containerPort) errs.push(required(`${at}.containerPort`, ''));
    else for (const msg of isValidPortNum(p.containerPort)) errs.push(invalidValue(`${at}.containerPort`, p.containerPort, msg));
    if (p.hostPort) for (const msg of isValidPortNum(p.hostPort)) errs.push(invalidValue(`${at}.hostPort`, p.hostPort, msg));
    if (!p.protocol) errs.push(required(`${at}.protocol`, ''));
    else if (!PORT_PROTOCOLS.includes(p.protocol)) errs.push(notSupported(`${at}.protocol`, p.protocol, PORT_PROTOCOLS));
  });
  return errs;
}

/** `ValidateTolerations`. */
export function validateTolerations(tolerations: Toleration[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  tolerations.forEach((t, i) => {
    const at = `${path}[${i}]`;
    if (t.key) for (const msg of isQualifiedName(t.key)) errs.push(invalidValue(`${at}.key`, t.key, msg));
    if (!t.key && t.operator !== 'Exists') {
      errs.push(
        invalidValue(`${at}.operator`, t.operator ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"'),
      );
    }
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && t.effect !== 'NoExecute') {
      errs.push(invalidValue(`${at}.effect`, t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    const op = t.operator ?? '';
    if (op === 'Equal' || op === '') {
      const msgs = isValidLabelValue(t.value ?? '');
      if (msgs.length > 0) errs.push(invalidValue(`${at}.operator`, t.value ?? '', msgs.join(';')));
    } else if (op === 'Exists') {
      if (t.value) errs.push(invalidValue(`${at}.operator`, t.value, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(notSupported(`${at}.operator`, op, ['Equal', 'Exists']));
    }
    if (t.effect && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(t.effect)) {
      errs.push(notSupported(`${at}.effect`, t.effect, ['NoExecute', 'NoSchedule', 'PreferNoSchedule']));
    }
  });
  return errs;
}

/** Kubernetes' text for a forbidden pod spec change (the diff follows it on the next lines). */
export const POD_UPDATE_FORBIDDEN =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

function validatePodSpecUpdate(next: PodSpec, old: PodSpec): FieldError[] {
  const errs: FieldError[] = [];
  const deadline = next.activeDeadlineSeconds;
  if (deadline !== undefined && deadline !== null) {
    if (deadline < 0 || deadline > MAX_INT32) {
      return [invalidValue('spec.activeDeadlineSeconds', deadline, inclusiveRangeError(0, MAX_INT32))];
    }
    const previous = old.activeDeadlineSeconds;
    if (previous !== undefined && previous !== null && previous < deadline) {
      return [invalidValue('spec.activeDeadlineSeconds', deadline, 'must be less than or equal to previous value')];
    }
  } else if (old.activeDeadlineSeconds !== undefined && old.activeDeadlineSeconds !== null) {
    errs.push(invalidValue('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
  }

  // Put every field that may change back to its old value; whatever still differs was a forbidden change.
  const munged: PodSpec = structuredClone(next);
  munged.containers?.forEach((c, i) => {
    if (old.containers?.[i]) c.image = old.containers[i].image;
  });
  munged.initContainers?.forEach((c, i) => {
    if (old.initContainers?.[i]) c.image = old.initContainers[i].image;
  });
  munged.activeDeadlineSeconds = old.activeDeadlineSeconds;
  const tolerationErrs = onlyAddedTolerations(next.tolerations ?? [], old.tolerations ?? []);
  errs.push(...tolerationErrs);
  munged.tolerations = old.tolerations;
  const grace = old.terminationGracePeriodSeconds;
  if (grace !== undefined && grace < 0 && next.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = grace;
  }
  if (!semanticEqual(munged, old)) {
    const diff = ['  core.PodSpec{', ...diffLines(old, munged), '  }'].join('\n');
    errs.push(forbiddenField('spec', `${POD_UPDATE_FORBIDDEN}\n${diff}`));
  }
  return errs;
}

function onlyAddedTolerations(next: Toleration[], old: Toleration[]): FieldError[] {
  for (const o of old) {
    // Only tolerationSeconds of an existing toleration may change.
    const kept = next.some((n) => semanticEqual({ ...o, tolerationSeconds: n.tolerationSeconds }, n));
    if (!kept) return [forbiddenField('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return [];
}
