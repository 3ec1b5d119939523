import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { checkInput } from './refusals';
import { entityId, isoDate, text } from './schema';

const Input = v.object({
	title: v.pipe(text(10), v.minLength(1)),
	amount: v.pipe(v.number(), v.finite(), v.minValue(1)),
	on: v.nullable(isoDate),
	kind: v.picklist(['money', 'goods']),
	by: entityId<'member'>(),
	condition: v.nullable(v.object({ threshold: v.pipe(v.number(), v.maxValue(5)) }))
});
const good = { title: 'Van', amount: 2, on: null, kind: 'goods', by: 'aaaaaaaaaaaaaaaaaaaaaa', condition: null };

describe('checking a write’s input', () => {
	it('gives the value back when it passes', () => {
		expect(checkInput(Input, good)).toEqual({ ok: true, value: good });
	});

	it('names the field, the problem and the bound crossed', () => {
		const cases: [object, string, string, number | null][] = [
			[{ title: '' }, 'title', 'required', null],
			[{ title: undefined }, 'title', 'required', null],
			[{ title: 'x'.repeat(11) }, 'title', 'too_long', 10],
			[{ amount: 0 }, 'amount', 'too_small', 1],
			[{ amount: Number.NaN }, 'amount', 'not_a_number', null],
			[{ amount: '3' }, 'amount', 'not_a_number', null],
			[{ on: '2026-13-45' }, 'on', 'not_a_date', null],
			[{ kind: 'cows' }, 'kind', 'not_a_choice', null],
			[{ by: 'short' }, 'by', 'malformed', null],
			[{ condition: { threshold: 6 } }, 'condition.threshold', 'too_large', 5]
		];
		for (const [change, field, problem, limit] of cases) {
			expect(checkInput(Input, { ...good, ...change }), JSON.stringify(change)).toEqual({
				ok: false,
				reason: 'invalid_field',
				field,
				problem,
				limit
			});
		}
	});
});
