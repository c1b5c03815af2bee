#!/usr/bin/env node
// Entry shim: registers the TypeScript loader, then runs the flag parser in src/bin.
import { register } from 'tsx/esm/api';

register();
await import('../src/bin/konnectivity-agent.ts');
