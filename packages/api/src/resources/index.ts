// The resources hubspoke serves: the catalog, discovery documents, Table printing, and the per-kind
// defaulting, validation and field selectors the generic REST handlers apply.
export * from './catalog.ts';
export { AGE_COLUMN, NAME_COLUMN, column } from './columns.ts';
export type { ColumnOptions } from './columns.ts';
export * from './discovery.ts';
export * from './duration.ts';
export * from './subresources.ts';
export * from './table.ts';
export * from './validation/index.ts';
export { FIELD_DOCS } from './field-docs.ts';
export type { DocumentedField } from './field-docs.ts';
export { GROUP_ORDER, builtinDefinitions } from './groups/index.ts';
export * from './groups/core/index.ts';
export { RBAC_GROUP, bindingSubjects } from './groups/rbac.ts';
export {
  KEY_USAGES,
  SIGNERS,
  csrCondition,
  validateCertificateSigningRequest,
  validateSignerName,
} from './groups/certificates.ts';
export type { CsrUpdateScope } from './groups/certificates.ts';
export { AUTHENTICATION_GROUP } from './groups/authentication.ts';
export { AUTHORIZATION_GROUP } from './groups/authorization.ts';
