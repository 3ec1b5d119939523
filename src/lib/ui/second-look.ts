/**
 * Values a form accepts but a person rarely means: a date in 1900 (a year
 * typed as "19" and completed by the date picker), a date decades ahead, a
 * currency code no one uses ("XYZ" for "XOF"). The form does not refuse them,
 * since an old membership or a far deadline can be true; it asks once, and the
 * same values submitted again are saved.
 */
import * as m from '$lib/paraglide/messages';
import { formatDate } from './format';

/** Dates before this are almost always a typing slip in a collective's records. */
const EARLIEST_LIKELY = '2000-01-01';
const YEARS_AHEAD = 10;

export type DateOddity = 'long_ago' | 'far_ahead';

/** Whether an ISO date looks like a slip: before 2000, or more than ten years after `today`. */
export function dateOddity(date: string, today: string): DateOddity | null {
	if (date === '') return null;
	if (date < EARLIEST_LIKELY) return 'long_ago';
	const limit = `${String(Number(today.slice(0, 4)) + YEARS_AHEAD).padStart(4, '0')}${today.slice(4)}`;
	return date > limit ? 'far_ahead' : null;
}

let currencies: ReadonlySet<string> | null = null;

/** Whether a three-letter code is a currency this device's Intl knows (ISO 4217, in use). */
export function isKnownCurrency(code: string): boolean {
	if (!/^[A-Z]{3}$/.test(code)) return false;
	if (currencies === null) {
		const supported = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('currency') : [];
		// Without the list, nothing can be said against a code: take it.
		if (supported.length === 0) return true;
		currencies = new Set(supported);
	}
	return currencies.has(code);
}

/** The sentence asking about a date, in the current language. */
export function dateQuestion(date: string, today: string): string | null {
	const oddity = dateOddity(date, today);
	if (oddity === null) return null;
	return oddity === 'long_ago' ? m.check_date_long_ago({ date: formatDate(date) }) : m.check_date_far_ahead({ date: formatDate(date) });
}

/** The sentence asking about a currency code, in the current language; null for a known one. */
export function currencyQuestion(code: string): string | null {
	return /^[A-Z]{3}$/.test(code) && !isKnownCurrency(code) ? m.check_currency({ code }) : null;
}

/**
 * One form's memory of what it asked: the first submit with odd values shows
 * the questions and saves nothing; submitting the very same values again
 * saves them. Changing anything asks again.
 */
export class SecondLook {
	#asked = '';

	/** What to show instead of saving, or null to go ahead. `action` is the submit button's words. */
	ask(questions: readonly (string | null)[], action: string): string | null {
		const asked = questions.filter((q): q is string => q !== null);
		if (asked.length === 0) {
			this.#asked = '';
			return null;
		}
		const key = asked.join('\n');
		if (key === this.#asked) return null;
		this.#asked = key;
		return `${asked.join(' ')} ${m.check_confirm({ action })}`;
	}
}
