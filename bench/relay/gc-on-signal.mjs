// Preloaded into both relays under test (node --expose-gc --import): SIGUSR2 runs a full
// garbage collection, then writes process.memoryUsage() to BENCH_MEMORY_FILE, so memory
// is read without garbage, the same way for both. A relay with no SIGTERM handler of its
// own (the reference) exits normally on SIGTERM, so that --cpu-prof can write a profile.
import { writeFileSync } from 'node:fs';

process.on('SIGUSR2', () => {
	globalThis.gc?.();
	globalThis.gc?.();
	const file = process.env.BENCH_MEMORY_FILE;
	if (file) writeFileSync(file, JSON.stringify(process.memoryUsage()));
});
process.on('SIGTERM', () => {
	if (process.listenerCount('SIGTERM') === 1) process.exit(0);
});
