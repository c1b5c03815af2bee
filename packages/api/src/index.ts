export * from './errors.ts';
export * from './meta.ts';
export * from './resource.ts';
export * from './resources/index.ts';
export * from './selectors/index.ts';
export * from './patch/index.ts';
export * from './protobuf/index.ts';
