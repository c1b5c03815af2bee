// Verb sets as discovery advertises them (sorted, as the apiserver lists them).

/** A stored kind with the full REST surface. */
export const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** Namespaces: no deletecollection (deleting every namespace at once is not offered). */
export const NO_DELETECOLLECTION_VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

/** Reviews and bindings: POST only, nothing is stored. */
export const CREATE_ONLY = ['create'];
