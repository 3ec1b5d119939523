/** Dates and quantities through Intl, in the language the app is shown in. */
import { formatMoney, toDecimalString } from '$lib/domain/core';
import { getLocale } from '$lib/paraglide/runtime';

/**
 * Building an Intl formatter costs far more than using one, and lists format
 * every row on every change: one formatter per language and style, kept.
 */
const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();

function dateTimeFormat(style: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
	const key = `d:${getLocale()}:${style}`;
	let format = formatters.get(key);
	if (!format) formatters.set(key, (format = new Intl.DateTimeFormat(getLocale(), options)));
	return format as Intl.DateTimeFormat;
}

function numberFormat(style: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
	const key = `n:${getLocale()}:${style}`;
	let format = formatters.get(key);
	if (!format) formatters.set(key, (format = new Intl.NumberFormat(getLocale(), options)));
	return format as Intl.NumberFormat;
}

export function formatDateTime(ms: number): string {
	return dateTimeFormat('date-time', { dateStyle: 'medium', timeStyle: 'short' }).format(ms);
}

/** A month given as YYYY-MM: "janv. 2026". */
export function formatMonth(month: string): string {
	return dateTimeFormat('month', { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${month}-01T00:00:00Z`));
}

export function formatDate(isoDate: string): string {
	return dateTimeFormat('date', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${isoDate}T00:00:00Z`));
}

export function formatQuantity(quantity: number | null, unit: string): string {
	if (quantity === null) return '';
	const number = numberFormat('quantity', { maximumFractionDigits: 3 }).format(quantity);
	return unit ? `${number} ${unit}` : number;
}

/** A need's or pledge's quantity: money in its currency, anything else with its unit. */
export function formatAmount(kind: string, amount: number, unit: string): string {
	return kind === 'money' ? formatMoney(amount, unit, getLocale()) : formatQuantity(amount, unit);
}

/** The reverse of readAmount (amount-input.ts), to fill a form with a stored value. */
export function quantityInput(kind: string, amount: number, unit: string): string {
	return kind === 'money' ? toDecimalString(amount, unit) : String(amount);
}

/** A time slot, without repeating the day when it starts and ends on the same one. */
export function formatSlot(start: number, end: number): string {
	const sameDay = new Date(start).toDateString() === new Date(end).toDateString();
	const from = formatDateTime(start);
	const to = sameDay ? dateTimeFormat('time', { timeStyle: 'short' }).format(end) : formatDateTime(end);
	return `${from} – ${to}`;
}
