// OpenAPI v3 discovery (`/openapi/v3`) and one document per group-version. kubectl reads these before
// `apply`, `create -f` and `edit` to learn that the server validates fields itself (the `fieldValidation`
// query parameter on PATCH). The documents describe paths and operations with Kubernetes' vendor
// extensions; they carry no schemas, so kubectl computes strategic merge patches from its built-in types.
import { createHash } from 'node:crypto';
import { apiVersionOf, type ResourceCatalog, type ResourceDefinition } from '@hubspoke/api';

type Operation = Record<string, unknown>;

const WRITE_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation'].map((name) => ({
  name,
  in: 'query',
  description: name === 'fieldValidation' ? 'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields.' : name,
  schema: { type: 'string', uniqueItems: true },
}));

/** The OpenAPI v3 documents of a catalog, built once. */
export class OpenApiV3 {
  private readonly docs = new Map<string, { body: string; hash: string }>();

  constructor(catalog: ResourceCatalog) {
    const byGroupVersion = new Map<string, ResourceDefinition[]>();
    for (const def of catalog.all()) {
      const key = def.group ? `apis/${def.group}/${def.version}` : `api/${def.version}`;
      byGroupVersion.set(key, [...(byGroupVersion.get(key) ?? []), def]);
    }
    for (const [key, defs] of byGroupVersion) {
      const body = JSON.stringify(document(defs));
      this.docs.set(key, { body, hash: createHash('sha512').update(body).digest('hex').slice(0, 128).toUpperCase() });
    }
  }

  /** `GET /openapi/v3`. */
  index(): unknown {
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const [key, { hash }] of this.docs) paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hash}` };
    return { paths };
  }

  /** `GET /openapi/v3/<api/v1 | apis/g/v>`, serialized, or undefined. */
  document(groupVersion: string): string | undefined {
    return this.docs.get(groupVersion)?.body;
  }
}

function document(defs: ResourceDefinition[]): unknown {
  const paths: Record<string, Record<string, Operation>> = {};
  for (const def of defs) {
    const prefix = def.group ? `/apis/${def.group}/${def.version}` : `/api/${def.version}`;
    const collection = def.namespaced ? `${prefix}/namespaces/{namespace}/${def.plural}` : `${prefix}/${def.plural}`;
    const gvk = { group: def.group, version: def.version, kind: def.kind };
    const op = (action: string, verb: string, params: unknown[] = []): Operation => ({
      operationId: `${verb}${def.kind}`,
      tags: [apiVersionOf(def)],
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
      parameters: params,
      responses: { '200': { description: 'OK' } },
    });
    const coll: Record<string, Operation> = {};
    if (def.verbs.includes('list')) coll.get = op('list', 'list');
    if (def.verbs.includes('create')) coll.post = op('post', 'create', WRITE_PARAMS);
    if (def.verbs.includes('deletecollection')) coll.delete = op('deletecollection', 'deleteCollection');
    if (Object.keys(coll).length) paths[collection] = coll;
    const item: Record<string, Operation> = {};
    if (def.verbs.includes('get')) item.get = op('get', 'read');
    if (def.verbs.includes('update')) item.put = op('put', 'replace', WRITE_PARAMS);
    if (def.verbs.includes('patch')) item.patch = op('patch', 'patch', WRITE_PARAMS);
    if (def.verbs.includes('delete')) item.delete = op('delete', 'delete');
    if (Object.keys(item).length) paths[`${collection}/{name}`] = item;
    if ((def.subresources ?? []).includes('status')) {
      paths[`${collection}/{name}/status`] = {
        get: op('get', 'readStatus'),
        put: op('put', 'replaceStatus', WRITE_PARAMS),
        patch: op('patch', 'patchStatus', WRITE_PARAMS),
      };
    }
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths, components: { schemas: {} } };
}
