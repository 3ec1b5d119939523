/**
 * Reading what a person typed in an amount field, for every form that has
 * one: money into minor units of its currency, any other quantity as a plain
 * decimal number. One reader, one set of sentences, so that a pledge, a
 * ledger entry and a due all refuse "12,505 €" the same way.
 */
import { parseAmount } from '$lib/domain/core';
import * as m from '$lib/paraglide/messages';

export type AmountReading = { ok: true; amount: number } | { ok: false; message: string };

export interface AmountRules {
	/** Zero is a value here (a due waived, a budget line not yet funded). */
	allowZero?: boolean;
}

/** Money when `kind` is 'money' (then `unit` is the currency), any other quantity otherwise. */
export function readAmount(kind: string, text: string, unit: string, rules: AmountRules = {}): AmountReading {
	return kind === 'money' ? readMoney(text, unit, rules) : readQuantity(text, rules);
}

export function readMoney(text: string, currency: string, rules: AmountRules = {}): AmountReading {
	const parsed = parseAmount(text, currency);
	if (parsed.ok) {
		if (parsed.amount === 0 && !rules.allowZero) return { ok: false, message: m.amount_error_zero() };
		return parsed;
	}
	switch (parsed.reason) {
		case 'empty':
			return { ok: false, message: m.amount_error_empty() };
		case 'invalid':
			return { ok: false, message: m.amount_error_invalid() };
		case 'negative':
			return { ok: false, message: m.amount_error_negative() };
		case 'too_many_decimals':
			return { ok: false, message: m.amount_error_decimals({ currency }) };
		case 'too_large':
			return { ok: false, message: m.amount_error_large() };
	}
}

function readQuantity(text: string, rules: AmountRules): AmountReading {
	const trimmed = text.trim().replace(/[\s\u00a0\u202f]/g, '');
	if (trimmed === '') return { ok: false, message: m.amount_error_empty() };
	const value = Number(trimmed.replace(',', '.'));
	if (!Number.isFinite(value) || value < 0 || (value === 0 && !rules.allowZero)) {
		return { ok: false, message: rules.allowZero ? m.quantity_error_not_negative() : m.quantity_error_invalid() };
	}
	return { ok: true, amount: value };
}
