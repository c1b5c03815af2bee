export * from './errors.ts';
export * from './meta.ts';
export * from './resource.ts';
