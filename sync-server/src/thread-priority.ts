// Every thread of the relay but the event loop's runs at the lowest scheduling priority:
// its worker threads (merges, folds, checkpoints), V8's helpers and libuv's thread pool.
// Their work can wait; the event loop serving sockets cannot. On a box with one core, a
// merge of a big room, or a concurrent garbage-collection task, in a thread of equal
// priority takes the core from the event loop in slices of several milliseconds, and
// every room's deliveries wait behind it. At nice 19 the event loop gets the core
// whenever it has work. (In a fresh process, most of the helpers' time goes to compiling
// the hot paths, for seconds after the traffic starts.) Nothing waits on them: V8 does on
// the main thread whatever marking its helpers have not done, and with more than one
// core they run beside the event loop anyway.
//
// Linux gives each thread its own nice value (setpriority on a thread id); elsewhere, or
// if the call is refused, the thread keeps the priority it has.
import fs from 'node:fs';
import os from 'node:os';

/** Source run first in each worker thread: lowers that thread. */
export const LOWER_THREAD_PRIORITY = `
try {
	const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
	if (Number.isSafeInteger(tid) && tid > 0) require('node:os').setPriority(tid, 19);
} catch {}
`;

/**
 * Lowers every other thread of this process to nice 19: V8's helpers (concurrent
 * marking, compilation) and libuv's thread pool (disk syncs), which are process-wide and
 * cannot lower themselves. Call from the event loop's thread, once the thread pool
 * exists. Returns how many threads were lowered (0 where threads have no nice value of
 * their own).
 */
export function lowerHelperThreadPriority(): number {
	let lowered = 0;
	let tids: string[];
	try {
		tids = fs.readdirSync('/proc/self/task');
	} catch {
		return 0;
	}
	// The calling thread is the event loop's; in tests it may be a worker thread of the
	// test runner, whose own main thread is left alone too.
	const spared = new Set([process.pid, ownThreadId()]);
	for (const tid of tids) {
		const id = Number(tid);
		if (spared.has(id) || !Number.isSafeInteger(id)) continue;
		try {
			os.setPriority(id, 19);
			lowered += 1;
		} catch {
			// The thread ended meanwhile, or this system refuses.
		}
	}
	return lowered;
}

/** The calling thread's id, or -1 where threads have none of their own to read. */
function ownThreadId(): number {
	try {
		return Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
	} catch {
		return -1;
	}
}
