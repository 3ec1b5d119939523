/**
 * Runs `work` when the device is idle, or after `timeout` ms at the latest.
 * Work that can wait (counting conflicts, reading ahead) goes here so that it
 * never holds up the frame that shows what the person asked for.
 */
export function onIdle(work: (deadline?: IdleDeadline) => void, timeout = 2000): void {
	if (typeof window !== 'undefined' && 'requestIdleCallback' in window) window.requestIdleCallback(work, { timeout });
	else setTimeout(work, 50);
}
