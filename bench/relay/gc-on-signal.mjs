// Preloaded into both relays under test (node --expose-gc --import), so both are watched
// the same way:
// - SIGUSR2 runs a full garbage collection, then writes process.memoryUsage() to
//   BENCH_MEMORY_FILE, so memory is read without garbage;
// - every 250 ms, the longest event-loop stall of that window goes to BENCH_LOOP_FILE
//   (a line "<epoch ms> <stall ms>"), so a latency spike can be told from a blocked loop;
// - a relay with no SIGTERM handler of its own (the reference) exits normally on
//   SIGTERM, so that --cpu-prof can write a profile.
import { openSync, writeFileSync, writeSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

process.on('SIGUSR2', () => {
	globalThis.gc?.();
	globalThis.gc?.();
	const file = process.env.BENCH_MEMORY_FILE;
	if (file) writeFileSync(file, JSON.stringify(process.memoryUsage()));
});
process.on('SIGTERM', () => {
	if (process.listenerCount('SIGTERM') === 1) process.exit(0);
});

const loopFile = process.env.BENCH_LOOP_FILE;
if (loopFile) {
	// Opened once: a line costs one small write to the page cache, not an open and close.
	const fd = openSync(loopFile, 'a');
	const delay = monitorEventLoopDelay({ resolution: 5 });
	delay.enable();
	setInterval(() => {
		writeSync(fd, `${Date.now()} ${(delay.max / 1e6).toFixed(1)}\n`);
		delay.reset();
	}, 250).unref();
}
