/** `npm run build:explorer`: builds explorer/dist with Vite (proofroom serve also does when stale). */
import { buildExplorer } from '../cli/explorer-build.ts';

const ms = await buildExplorer();
process.stdout.write(`explorer built into explorer/dist in ${Math.round(ms)} ms\n`);
