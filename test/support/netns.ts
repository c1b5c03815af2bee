// Network namespaces for the cross-host tests: the lab's own implementation, which the flag matrix runs on.
export * from '../../packages/lab/src/matrix/netns.ts';
