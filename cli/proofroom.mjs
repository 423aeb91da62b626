#!/usr/bin/env node
// Entry point of the `proofroom` command. The project runs its TypeScript sources through tsx
// (Node 20 has no type stripping), so this shim registers the loader and hands over to main.ts.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
