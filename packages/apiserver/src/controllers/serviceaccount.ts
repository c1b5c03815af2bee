// The ServiceAccount controller: a `default` ServiceAccount in every namespace that is not terminating,
// re-created if someone deletes it (pods without serviceAccountName run as it).
import type { Controller, ControllerContext } from './context.ts';
import { KEYS } from './context.ts';
import { startPerNamespace } from './per-namespace.ts';

/** Start keeping `default` ServiceAccounts. */
export function startServiceAccountController(ctx: ControllerContext): Controller {
  return startPerNamespace(ctx, {
    controller: 'serviceaccount',
    key: KEYS.serviceAccounts,
    name: 'default',
    build: () => ({ apiVersion: 'v1', kind: 'ServiceAccount' }),
  });
}
