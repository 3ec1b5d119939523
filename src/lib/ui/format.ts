/** Dates and quantities through Intl, in the language the app is shown in. */
import { getLocale } from '$lib/paraglide/runtime';

export function formatDateTime(ms: number): string {
	return new Intl.DateTimeFormat(getLocale(), { dateStyle: 'medium', timeStyle: 'short' }).format(ms);
}

export function formatDate(isoDate: string): string {
	return new Intl.DateTimeFormat(getLocale(), { dateStyle: 'medium', timeZone: 'UTC' }).format(
		new Date(`${isoDate}T00:00:00Z`)
	);
}

export function formatQuantity(quantity: number | null, unit: string): string {
	if (quantity === null) return '';
	const number = new Intl.NumberFormat(getLocale(), { maximumFractionDigits: 3 }).format(quantity);
	return unit ? `${number} ${unit}` : number;
}
