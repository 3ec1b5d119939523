/**
 * For browser tests whose other members write through the domain in Node: the
 * id a write returned, a refusal failing the test with what it said; and dates
 * counted back from today, as seeded histories need them.
 */
import { localDate } from '../../src/lib/domain/core';

export function created<T>(result: { ok: true; id: T } | { ok: false; reason: string }): T {
	if (!result.ok) throw new Error(`refused: ${JSON.stringify(result)}`);
	return result.id;
}

export function ok(result: { ok: boolean }): void {
	if (!result.ok) throw new Error(`refused: ${JSON.stringify(result)}`);
}

/** The first of the month `months` months before this one. */
export function monthsAgo(months: number): string {
	const now = new Date();
	return localDate(new Date(now.getFullYear(), now.getMonth() - months, 1));
}
