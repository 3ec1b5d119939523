/** Amounts as people read them, in the language the app is shown in. */
import { formatMoney } from '$lib/domain/money';
import type { Direction } from '$lib/domain/ledger';
import { getLocale } from '$lib/paraglide/runtime';

export function money(amount: number, currency: string): string {
	return formatMoney(amount, currency, getLocale());
}

/** "+12,50 €" for money in, "−12,50 €" for money out: the sign is never left to colour alone. */
export function signedMoney(amount: number, currency: string, direction: Direction): string {
	const text = money(amount, currency);
	return direction === 'in' ? `+${text}` : `−${text}`;
}

/** A balance or total with its sign spelled out when below zero. */
export function balanceText(amount: number, currency: string): string {
	return amount < 0 ? `−${money(-amount, currency)}` : money(amount, currency);
}
