import { describe, expect, it } from 'vitest';
import { readAmount } from './amount-input';
import { expectEveryLanguage } from './refusals.testing';

describe('reading an amount field', () => {
	it('reads money into minor units and other quantities as decimals', () => {
		expect(readAmount('money', '12,50', 'EUR')).toEqual({ ok: true, amount: 1250 });
		expect(readAmount('money', '1 234,5', 'EUR')).toEqual({ ok: true, amount: 123450 });
		expect(readAmount('goods', '2,5', 'kg')).toEqual({ ok: true, amount: 2.5 });
		expect(readAmount('goods', '0', 'kg', { allowZero: true })).toEqual({ ok: true, amount: 0 });
	});

	it('refuses what it cannot read, with a sentence in every language', () => {
		const refused = [
			['money', '', 'EUR'],
			['money', 'douze', 'EUR'],
			['money', '-3', 'EUR'],
			['money', '0', 'EUR'],
			['money', '12,505', 'EUR'],
			['money', '99999999999999999', 'EUR'],
			['goods', '', 'kg'],
			['goods', 'beaucoup', 'kg'],
			['goods', '-1', 'kg'],
			['goods', '0', 'kg'],
			['stock', '-2', 'kg', true]
		] as const;
		for (const [kind, text, unit, allowZero] of refused) expect(readAmount(kind, text, unit, { allowZero }).ok, `${kind} "${text}"`).toBe(false);
		expectEveryLanguage(
			refused.map(([kind, text, unit, allowZero]) => ({
				name: `${kind} "${text}"`,
				text: () => {
					const reading = readAmount(kind, text, unit, { allowZero });
					return reading.ok ? '' : reading.message;
				}
			}))
		);
	});
});
