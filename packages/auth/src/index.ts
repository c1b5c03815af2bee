export * from './user.ts';
export * from './authn/types.ts';
export * from './authz/types.ts';
