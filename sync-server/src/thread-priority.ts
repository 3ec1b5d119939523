// Source for the relay's worker threads (merges, folds, checkpoints) to run at the lowest
// scheduling priority. Their work can wait; the event loop serving sockets cannot. On a
// box with one core, a merge of a big room in a thread of equal priority takes the core
// from the event loop in slices of several milliseconds, and every room's deliveries wait
// behind it. At nice 19 the event loop gets the core whenever it has work.
//
// Linux gives each thread its own nice value (setpriority on a thread id); elsewhere, or
// if the call is refused, the thread keeps the priority it has.
export const LOWER_THREAD_PRIORITY = `
try {
	const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
	if (Number.isSafeInteger(tid) && tid > 0) require('node:os').setPriority(tid, 19);
} catch {}
`;
