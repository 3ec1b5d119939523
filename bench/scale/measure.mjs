// Measuring a page from bench:scale: a step's time, a wait with a deadline, the storage an
// origin keeps once it settles, and the time from a click to the first frame that shows
// what it brought.
import { seconds } from './report.mjs';

const pause = (ms) => new Promise((done) => setTimeout(done, ms));

/** Milliseconds `step` took, or Infinity when one of its waits ran out of time. */
export async function timed(step) {
	const started = performance.now();
	try {
		await step();
		return performance.now() - started;
	} catch (error) {
		if (error?.name === 'TimeoutError') return Infinity;
		throw error;
	}
}


export async function waitFor(what, check, timeoutMs, every = 250) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (await check()) return;
		if (Date.now() > deadline) {
			const error = new Error(`${what}: not within ${seconds(timeoutMs)}`);
			error.name = 'TimeoutError';
			throw error;
		}
		await pause(every);
	}
}

/**
 * What this origin keeps once it stops growing: total (IndexedDB, caches) and IndexedDB alone,
 * with the moment the last change was seen (unchanged for a second after it).
 */
export async function stored(page, timeoutMs) {
	const read = () =>
		page.evaluate(async () => {
			const estimate = await navigator.storage.estimate();
			const details = /** @type {{ indexedDB?: number } | undefined} */ (estimate.usageDetails);
			return { usage: estimate.usage ?? 0, indexedDB: details?.indexedDB ?? NaN };
		});
	let last = await read();
	let since = performance.now();
	await waitFor('storage to settle', async () => {
		const now = await read();
		if (now.usage !== last.usage || !Object.is(now.indexedDB, last.indexedDB)) {
			last = now;
			since = performance.now();
		}
		return last.usage > 0 && performance.now() - since >= 1000;
	}, timeoutMs, 200);
	return { ...last, settledAt: since };
}

/**
 * Clicks and waits for `row`, timed in the page: from the click to the first frame drawn with
 * the row in it. A check from outside also pays for its own queries, slow on a slowed CPU, and
 * runs only between the page's tasks; its time goes to the log, as the `outside` figures.
 */
export async function drawnAfter(page, row, click, timeoutMs) {
	await page.evaluate((selector) => {
		window.__drawnAfterClick = undefined;
		document.addEventListener('click', () => {
			const clicked = performance.now();
			const done = () => requestAnimationFrame(() => (window.__drawnAfterClick = performance.now() - clicked));
			// The row of the page being left may match too: wait for one the click brought.
			const before = new Set(document.querySelectorAll(selector));
			const fresh = () => [...document.querySelectorAll(selector)].some((element) => !before.has(element));
			new MutationObserver((_changes, observer) => {
				if (!fresh()) return;
				observer.disconnect();
				done();
			}).observe(document.body, { childList: true, subtree: true });
		}, { once: true, capture: true });
	}, row);
	const outside = await timed(async () => {
		await click();
		await page.locator(row).first().waitFor({ timeout: timeoutMs });
	});
	if (outside === Infinity) return { drawn: Infinity, outside };
	const drawn = await page.evaluate(() => new Promise((resolve) => {
		const check = () => (window.__drawnAfterClick !== undefined ? resolve(window.__drawnAfterClick) : requestAnimationFrame(check));
		check();
	}));
	return { drawn, outside };
}
