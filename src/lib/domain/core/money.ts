/**
 * Money as integer minor units of one currency (cents for EUR, yen for JPY,
 * fils for BHD). Floats never hold an amount; decimals exist only at the
 * edges: what a person types, what a page shows, what a CSV export writes.
 */

/**
 * The largest amount one entry, pledge or need may carry: 10^12 minor units
 * (ten billion euros). Far above any collective's needs, and low enough that
 * sums over many thousands of entries stay exact integers.
 */
export const MAX_AMOUNT = 1_000_000_000_000;

export interface Money {
	/** Integer minor units. */
	amount: number;
	/** ISO 4217 code, upper case. */
	currency: string;
}

const digitsCache = new Map<string, number>();

/** How many digits follow the decimal separator in this currency: 2 for EUR, 0 for JPY, 3 for BHD. */
export function fractionDigits(currency: string): number {
	let digits = digitsCache.get(currency);
	if (digits === undefined) {
		try {
			digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
		} catch {
			// A malformed code is refused by the schemas; never let a display crash on it.
			digits = 2;
		}
		digitsCache.set(currency, digits);
	}
	return digits;
}

export type ParseAmountResult =
	| { ok: true; amount: number }
	| { ok: false; reason: 'empty' | 'invalid' | 'negative' | 'too_many_decimals' | 'too_large' };

/**
 * Reads what a person typed into minor units. Accepts a comma or a dot as the
 * decimal separator and spaces, apostrophes or the other separator as digit
 * grouping: "12,50", "12.5", "1 234,5", "1.234,50", "1,234.50", "1'234.50".
 *
 * One lone separator is always the decimal one, so "1.234" in euros is refused
 * (too many decimals) rather than guessed as 1234: a guess here could move a
 * thousandfold more money than meant.
 */
export function parseAmount(input: string, currency: string): ParseAmountResult {
	let s = input.replace(/[\s\u00a0\u202f'’]/g, '');
	if (s === '') return { ok: false, reason: 'empty' };
	if (s.startsWith('-')) return { ok: false, reason: 'negative' };
	if (s.startsWith('+')) s = s.slice(1);
	if (!/^[0-9.,]+$/.test(s) || !/[0-9]/.test(s)) return { ok: false, reason: 'invalid' };

	const lastDot = s.lastIndexOf('.');
	const lastComma = s.lastIndexOf(',');
	let integer = s;
	let fraction = '';
	if (lastDot >= 0 && lastComma >= 0) {
		// Both appear: the later one separates decimals, the other groups thousands.
		const decimal = Math.max(lastDot, lastComma);
		const group = decimal === lastDot ? ',' : '.';
		integer = s.slice(0, decimal);
		fraction = s.slice(decimal + 1);
		if (integer.includes(s[decimal] ?? '') || !validGrouping(integer, group)) return { ok: false, reason: 'invalid' };
		integer = integer.split(group).join('');
	} else if (lastDot >= 0 || lastComma >= 0) {
		const sep = lastDot >= 0 ? '.' : ',';
		const parts = s.split(sep);
		if (parts.length > 2) {
			// Repeated: "1.234.567" can only be grouping.
			if (!validGrouping(s, sep)) return { ok: false, reason: 'invalid' };
			integer = parts.join('');
		} else {
			integer = parts[0] ?? '';
			fraction = parts[1] ?? '';
		}
	}
	if (integer === '') integer = '0';
	if (!/^[0-9]+$/.test(integer) || !/^[0-9]*$/.test(fraction)) return { ok: false, reason: 'invalid' };

	const digits = fractionDigits(currency);
	// Trailing zeros carry no value: "12.500" is twelve and a half euros.
	const significant = fraction.replace(/0+$/, '');
	if (significant.length > digits) return { ok: false, reason: 'too_many_decimals' };
	const minor = integer.replace(/^0+(?=.)/, '') + significant.padEnd(digits, '0');
	if (minor.length > 16) return { ok: false, reason: 'too_large' };
	const amount = Number(minor);
	if (amount > MAX_AMOUNT) return { ok: false, reason: 'too_large' };
	return { ok: true, amount };
}

/** Groups of exactly three digits after the first, which has one to three. */
function validGrouping(text: string, sep: string): boolean {
	const groups = text.split(sep);
	return groups.every((g, i) => (i === 0 ? /^[0-9]{1,3}$/.test(g) : /^[0-9]{3}$/.test(g)));
}

/**
 * The exact decimal form with a dot and no grouping, for files and machines:
 * 1250 EUR → "12.50", -5 EUR → "-0.05", 1200 JPY → "1200".
 */
export function toDecimalString(amount: number, currency: string): string {
	const digits = fractionDigits(currency);
	const sign = amount < 0 ? '-' : '';
	const raw = String(Math.abs(Math.trunc(amount)));
	if (digits === 0) return sign + raw;
	const padded = raw.padStart(digits + 1, '0');
	return `${sign}${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
}

/** Building a formatter costs far more than using one, and a ledger formats every row: kept per language and currency. */
const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(currency: string, locale: string | undefined): Intl.NumberFormat {
	const key = `${locale ?? ''}:${currency}`;
	let format = moneyFormats.get(key);
	if (!format) {
		format = new Intl.NumberFormat(locale, { style: 'currency', currency });
		moneyFormats.set(key, format);
	}
	return format;
}

/** The amount as people read it in their language: "12,50 €", "€12.50". */
export function formatMoney(amount: number, currency: string, locale?: string): string {
	const digits = fractionDigits(currency);
	try {
		return moneyFormat(currency, locale).format(amount / 10 ** digits);
	} catch {
		return `${toDecimalString(amount, currency)} ${currency}`;
	}
}

export type SumResult =
	| { ok: true; amount: number }
	| { ok: false; reason: 'currency_mismatch'; currencies: string[] }
	| { ok: false; reason: 'overflow' };

/**
 * Adds amounts that must all be in `currency`. Euros and francs never add up
 * silently: a mix is refused and the currencies found are named.
 */
export function sumMoney(items: readonly Money[], currency: string): SumResult {
	let amount = 0;
	const foreign = new Set<string>();
	for (const item of items) {
		if (item.currency !== currency) foreign.add(item.currency);
		else amount += item.amount;
	}
	if (foreign.size > 0) return { ok: false, reason: 'currency_mismatch', currencies: [currency, ...foreign].sort() };
	if (!Number.isSafeInteger(amount)) return { ok: false, reason: 'overflow' };
	return { ok: true, amount };
}

/** Totals per currency, for views that span funds in several currencies. */
export function totalsByCurrency(items: readonly Money[]): Map<string, number> {
	const totals = new Map<string, number>();
	for (const item of items) totals.set(item.currency, (totals.get(item.currency) ?? 0) + item.amount);
	return totals;
}
