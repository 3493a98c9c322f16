#!/usr/bin/env node
// Entry of the `acbench` command: runs the built CLI (npm run build makes dist/).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main', 'cli.js');
if (!existsSync(cli)) {
  console.error(`acbench: ${cli} is missing; run "npm run build" in ${join(dirname(cli), '..', '..')} first`);
  process.exit(2);
}
const { main } = await import(pathToFileURL(cli).href);
process.exit(await main(process.argv.slice(2)));
