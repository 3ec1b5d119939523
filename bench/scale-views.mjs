// The pages' views of a generated space timed in Node (see bench/scale/views.ts).
// Run with: node bench/scale-views.mjs [small] [ahead]  (ahead: after reading the space ahead, as the app does when idle)
import { join, resolve } from 'node:path';
import { runnerImport } from 'vite';

const ROOT = resolve(import.meta.dirname, '..');
const size = process.argv.includes('small') ? 'small' : 'large';
const { module } = await runnerImport(join(ROOT, 'bench/scale/views.ts'), { configFile: false, logLevel: 'error' });
const results = module.measure(ROOT, size, (m) => console.log(m), process.argv.includes('ahead'));
console.log('view: first, again, kept first, kept after adding one resource (ms)');
for (const [name, times] of Object.entries(results)) console.log(`${name.padEnd(16)} ${times.map((t) => t.toFixed(1).padStart(8)).join(' ')}`);
