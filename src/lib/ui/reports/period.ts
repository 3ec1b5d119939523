/**
 * Which periods of the transparency report are made in the worker. A report
 * reads the whole ledger and history whatever its period; what grows with the
 * period is what it keeps and lists. Up to a quarter it is made on the page,
 * kept and updated with each change as every other view; beyond, the worker
 * makes it with its progress shown (see README, "Long reports and exports").
 */

/** The start of an open period ("since the start"): before anything a collective can date. */
export const EARLIEST = '0001-01-01';

/** Days beyond which a period is long. */
export const LONG_PERIOD_DAYS = 92;

/** How long after a change of the document a long report is made again: a burst of changes makes one. */
export const CHANGE_DELAY_MS = 1500;

/** Whether `from`..`to` (YYYY-MM-DD, either order) spans more than LONG_PERIOD_DAYS. */
export function isLongPeriod(from: string, to: string): boolean {
	const a = Date.parse(`${from}T00:00:00Z`);
	const b = Date.parse(`${to}T00:00:00Z`);
	if (Number.isNaN(a) || Number.isNaN(b)) return false;
	return Math.abs(b - a) / 86_400_000 > LONG_PERIOD_DAYS;
}
