// Preloaded into both relays under test (node --expose-gc --import), so both are watched
// the same way:
// - SIGUSR2 runs a full garbage collection, then writes process.memoryUsage() to
//   BENCH_MEMORY_FILE, so memory is read without garbage;
// - every 250 ms, the longest event-loop stall of that window goes to BENCH_LOOP_FILE,
//   with the garbage collection pauses of the main thread in it (a line "<epoch ms>
//   <stall ms> <gc pauses> <gc ms> <longest gc ms>"), so a latency spike can be told
//   from a blocked loop, and a blocked loop from a collection;
// - SIGWINCH writes process.cpuUsage() (user + system of every thread, in microseconds,
//   from getrusage) to BENCH_CPU_FILE: /proc/<pid>/stat counts in ticks of 10 ms, too
//   coarse for a figure of fifty syncs of a millisecond each;
// - a relay with no SIGTERM handler of its own (the reference) exits normally on
//   SIGTERM, so that --cpu-prof can write a profile.
import { openSync, writeFileSync, writeSync } from 'node:fs';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

process.on('SIGUSR2', () => {
	globalThis.gc?.();
	globalThis.gc?.();
	const file = process.env.BENCH_MEMORY_FILE;
	if (file) writeFileSync(file, JSON.stringify(process.memoryUsage()));
});
process.on('SIGWINCH', () => {
	const file = process.env.BENCH_CPU_FILE;
	const { user, system } = process.cpuUsage();
	if (file) writeFileSync(file, String(user + system));
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
	const gc = { pauses: 0, ms: 0, longest: 0 };
	new PerformanceObserver((list) => {
		for (const entry of list.getEntries()) {
			gc.pauses += 1;
			gc.ms += entry.duration;
			gc.longest = Math.max(gc.longest, entry.duration);
		}
	}).observe({ entryTypes: ['gc'] });
	setInterval(() => {
		const line = [Date.now(), (delay.max / 1e6).toFixed(1), gc.pauses, gc.ms.toFixed(2), gc.longest.toFixed(2)];
		writeSync(fd, `${line.join(' ')}\n`);
		delay.reset();
		Object.assign(gc, { pauses: 0, ms: 0, longest: 0 });
	}, 250).unref();
}
