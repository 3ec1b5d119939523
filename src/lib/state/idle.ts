import { afterPaint } from '../sync/first-screen';

/**
 * Runs `work` when the device is idle, or after `timeout` ms at the latest.
 * Work that can wait (counting conflicts, reading ahead) goes here so that it
 * never holds up the frame that shows what the person asked for.
 */
export function onIdle(work: (deadline?: IdleDeadline) => void, timeout = 2000): void {
	if (typeof window !== 'undefined' && 'requestIdleCallback' in window) window.requestIdleCallback(work, { timeout });
	else setTimeout(work, 50);
}

/**
 * Like onIdle, but not before the next frame has been drawn: work asked for
 * while a change is being drawn (a space that just loaded) must not run in
 * between, even once the idle timeout has passed during a long load.
 */
export function afterNextFrame(work: (deadline?: IdleDeadline) => void, timeout = 2000): void {
	void afterPaint().then(() => onIdle(work, timeout));
}
