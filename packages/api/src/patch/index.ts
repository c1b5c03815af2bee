// PATCH bodies: JSON merge patch, JSON patch and strategic merge patch, with the apiserver's error answers.
export * from './apply-patch.ts';
export { jsonMergePatch } from './merge-patch.ts';
export { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS } from './json-patch.ts';
export { strategicMergePatch, type StrategySource } from './strategic-merge-patch.ts';
export { patchStrategyFor, knowsPatchStrategies, type FieldPatchStrategy } from './merge-keys.ts';
