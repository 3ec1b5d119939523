import { describe, expect, it } from 'vitest';
import { formatMoney, fractionDigits, parseAmount, sumMoney, toDecimalString, totalsByCurrency } from './money';

describe('money', () => {
	it('knows each currency’s minor unit', () => {
		expect(fractionDigits('EUR')).toBe(2);
		expect(fractionDigits('JPY')).toBe(0);
		expect(fractionDigits('BHD')).toBe(3);
	});

	it('reads amounts typed in the usual ways', () => {
		const cases: [string, number][] = [
			['12,50', 1250],
			['12.5', 1250],
			['1 234,5', 123450],
			['1\u202f234,56', 123456],
			['1.234,50', 123450],
			['1,234.50', 123450],
			["1'234.50", 123450],
			['1.234.567', 123456700],
			['  7 ', 700],
			['0,05', 5],
			[',5', 50],
			['12.', 1200],
			['12.500', 1250],
			['+3', 300]
		];
		for (const [input, amount] of cases) expect(parseAmount(input, 'EUR'), input).toEqual({ ok: true, amount });
		expect(parseAmount('1 234', 'JPY')).toEqual({ ok: true, amount: 1234 });
		expect(parseAmount('1,5', 'BHD')).toEqual({ ok: true, amount: 1500 });
	});

	it('refuses what it cannot read exactly, with a reason', () => {
		expect(parseAmount('', 'EUR')).toEqual({ ok: false, reason: 'empty' });
		expect(parseAmount('   ', 'EUR')).toEqual({ ok: false, reason: 'empty' });
		expect(parseAmount('-3', 'EUR')).toEqual({ ok: false, reason: 'negative' });
		expect(parseAmount('12,345', 'EUR')).toEqual({ ok: false, reason: 'too_many_decimals' });
		expect(parseAmount('1.234', 'EUR')).toEqual({ ok: false, reason: 'too_many_decimals' });
		expect(parseAmount('12,5', 'JPY')).toEqual({ ok: false, reason: 'too_many_decimals' });
		for (const bad of ['abc', '12€', '1e3', '.', ',', '1,2,3', '1.2,3,4', '12,50.3', '0x10', '1,23.45']) {
			expect(parseAmount(bad, 'EUR'), bad).toEqual({ ok: false, reason: 'invalid' });
		}
		expect(parseAmount('99999999999999999999', 'EUR')).toEqual({ ok: false, reason: 'too_large' });
		expect(parseAmount('10000000001', 'EUR')).toEqual({ ok: false, reason: 'too_large' });
		expect(parseAmount('10000000000', 'EUR')).toEqual({ ok: true, amount: 1_000_000_000_000 });
	});

	it('writes exact decimal strings and localised amounts', () => {
		expect(toDecimalString(1250, 'EUR')).toBe('12.50');
		expect(toDecimalString(5, 'EUR')).toBe('0.05');
		expect(toDecimalString(-5, 'EUR')).toBe('-0.05');
		expect(toDecimalString(0, 'EUR')).toBe('0.00');
		expect(toDecimalString(1200, 'JPY')).toBe('1200');
		expect(toDecimalString(1500, 'BHD')).toBe('1.500');
		expect(formatMoney(123450, 'EUR', 'fr-FR').replace(/\s/g, ' ')).toBe('1 234,50 €');
		expect(formatMoney(1250, 'EUR', 'en-GB')).toBe('€12.50');
	});

	it('sums one currency and refuses a mix', () => {
		expect(sumMoney([], 'EUR')).toEqual({ ok: true, amount: 0 });
		expect(sumMoney([{ amount: 100, currency: 'EUR' }, { amount: -30, currency: 'EUR' }], 'EUR')).toEqual({ ok: true, amount: 70 });
		expect(sumMoney([{ amount: 100, currency: 'EUR' }, { amount: 5, currency: 'CHF' }], 'EUR')).toEqual({
			ok: false,
			reason: 'currency_mismatch',
			currencies: ['CHF', 'EUR']
		});
		expect(sumMoney([{ amount: Number.MAX_SAFE_INTEGER, currency: 'EUR' }, { amount: 10, currency: 'EUR' }], 'EUR')).toEqual({
			ok: false,
			reason: 'overflow'
		});
		expect(totalsByCurrency([{ amount: 1, currency: 'EUR' }, { amount: 2, currency: 'CHF' }, { amount: 3, currency: 'EUR' }])).toEqual(
			new Map([['EUR', 4], ['CHF', 2]])
		);
	});
});
