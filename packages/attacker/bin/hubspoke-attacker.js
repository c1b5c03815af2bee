#!/usr/bin/env node
// Entry shim: registers the TypeScript loader, then runs the command line in src/bin.
import { register } from 'tsx/esm/api';

register();
await import('../src/bin/hubspoke-attacker.ts');
