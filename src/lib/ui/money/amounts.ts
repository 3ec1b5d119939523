/** Amounts as people read them, in the language the app is shown in. */
import { formatMoney, toDecimalString } from '$lib/domain/core';
import type { Direction } from '$lib/domain/money';
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

/** A stored amount as a form shows it for editing: "12,50" in French, "12.50" in English. */
export function amountInput(amount: number, currency: string): string {
	const decimal = new Intl.NumberFormat(getLocale()).formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.';
	return toDecimalString(amount, currency).replace('.', decimal);
}
