// Validation building blocks with apimachinery's exact wording, for the kinds in this catalog and for
// handlers that validate things of their own (names in URLs, generateName).
export * from './dns.ts';
export * from './field.ts';
export * from './labels.ts';
export * from './messages.ts';
export * from './metadata.ts';
export * from './names.ts';
export * from './values.ts';
export * from './equal.ts';
