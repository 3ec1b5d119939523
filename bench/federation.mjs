// The federation bridge and tab views at scale, timed in Node (see bench/federation/measure.ts).
// Run with: node bench/federation.mjs [small]   (small: 10 collectives instead of 50)
import { join, resolve } from 'node:path';
import { runnerImport } from 'vite';

const ROOT = resolve(import.meta.dirname, '..');
const small = process.argv.includes('small');
const { module } = await runnerImport(join(ROOT, 'bench/federation/measure.ts'), { configFile: false, logLevel: 'error' });
const results = await module.measure(small ? 10 : 50, 100, (line) => console.log(line));
for (const [name, ms] of Object.entries(results)) console.log(`${name.padEnd(48)} ${ms.toFixed(2).padStart(9)} ms`);
