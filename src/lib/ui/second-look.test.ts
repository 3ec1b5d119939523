import { describe, expect, it } from 'vitest';
import { baseLocale, overwriteGetLocale } from '$lib/paraglide/runtime';
import { expectEveryLanguage } from './refusals.testing';
import { SecondLook, currencyQuestion, dateOddity, dateQuestion, isKnownCurrency } from './second-look';

describe('a second look at odd values', () => {
	it('finds dates before 2000 or more than ten years ahead', () => {
		const today = '2026-12-04';
		expect(dateOddity('1900-01-01', today)).toBe('long_ago');
		expect(dateOddity('1999-12-31', today)).toBe('long_ago');
		expect(dateOddity('2000-01-01', today)).toBeNull();
		expect(dateOddity('2036-12-04', today)).toBeNull();
		expect(dateOddity('2036-12-05', today)).toBe('far_ahead');
		expect(dateOddity('9999-01-01', today)).toBe('far_ahead');
		expect(dateOddity('', today)).toBeNull();
	});

	it('knows the currencies Intl knows, and no others', () => {
		for (const code of ['EUR', 'CHF', 'XOF', 'GBP', 'USD', 'JPY']) expect(isKnownCurrency(code), code).toBe(true);
		for (const code of ['XYZ', 'EUROS', 'eur', 'AAA']) expect(isKnownCurrency(code), code).toBe(false);
		expect(currencyQuestion('EUR')).toBeNull();
		// A malformed code is the domain's to refuse, not a question.
		expect(currencyQuestion('E1')).toBeNull();
	});

	it('asks once, then saves the same values; anything changed asks again', () => {
		const look = new SecondLook();
		const odd = [currencyQuestion('XYZ'), dateQuestion('1900-01-01', '2026-12-04')];
		const first = look.ask(odd, 'Enregistrer');
		expect(first).toContain('XYZ');
		expect(first).toContain('1900');
		expect(first).toContain('« Enregistrer »');
		expect(look.ask(odd, 'Enregistrer')).toBeNull();
		expect(look.ask([currencyQuestion('XYA')], 'Enregistrer')).toContain('XYA');
		expect(look.ask([null, null], 'Enregistrer')).toBeNull();
		expect(look.ask([currencyQuestion('XYA')], 'Enregistrer')).toContain('XYA');
	});

	it('asks in every language', () => {
		try {
			expectEveryLanguage([
				{ name: 'long ago', text: () => dateQuestion('1900-01-01', '2026-12-04') ?? '' },
				{ name: 'far ahead', text: () => dateQuestion('2090-01-01', '2026-12-04') ?? '' },
				{ name: 'currency', text: () => new SecondLook().ask([currencyQuestion('XYZ')], 'OK') ?? '' }
			]);
		} finally {
			overwriteGetLocale(() => baseLocale);
		}
	});
});
