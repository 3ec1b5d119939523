import { describe, expect, it } from 'vitest';
import { FIELD_PROBLEMS, type InvalidField } from '$lib/domain/core';
import { addPledge, editPledge } from '$lib/domain/needs';
import { at, moneyNeed, pledge } from '$lib/domain/needs/testing';
import { newSpace } from '$lib/domain/space/testing';
import { expectEveryLanguage, type Sample } from '../refusals.testing';
import { refusalText, type RefusalMessages } from '../refusals';
import { NEEDS_FIELDS, needRefusals, needStatusRefusals, pledgeMarkRefusals, pledgeRefusals, saveError } from './refusals';

/** Every reason of a table, through the table, as the app would show it. */
function samplesOf<R extends { ok: false; reason: string }>(name: string, table: RefusalMessages<R>, refusals: R[]): Sample[] {
	const reasons = Object.keys(table).sort();
	expect(refusals.map((r) => r.reason).sort(), `${name}: one sample per reason`).toEqual(reasons);
	return refusals.map((refusal) => ({ name: `${name}: ${refusal.reason}`, text: () => refusalText(refusal, table) }));
}

const field = (name: string, problem: InvalidField['problem'] = 'required'): InvalidField => ({
	ok: false,
	reason: 'invalid_field',
	field: name,
	problem,
	limit: 120
});
const euros = { kind: 'money', unit: 'EUR' } as const;

describe('needs refusals', () => {
	it('say every reason of every table in French, Italian and English', () => {
		expectEveryLanguage([
			...samplesOf('needs', needRefusals, [
				field('title'),
				{ ok: false, reason: 'cap_below_target' },
				{ ok: false, reason: 'unit_locked' },
				{ ok: false, reason: 'need_not_found' }
			]),
			...samplesOf('need statuses', needStatusRefusals, [
				{ ok: false, reason: 'unchanged' },
				{ ok: false, reason: 'need_not_found' }
			]),
			...samplesOf('pledges', pledgeRefusals(euros), [
				field('amount'),
				{ ok: false, reason: 'need_not_found' },
				{ ok: false, reason: 'resource_not_found' },
				{ ok: false, reason: 'need_closed' },
				{ ok: false, reason: 'condition_past' },
				{ ok: false, reason: 'over_cap', room: 1250 },
				{ ok: false, reason: 'pledge_not_found' },
				{ ok: false, reason: 'not_a_promise' }
			]),
			...samplesOf('pledge marks', pledgeMarkRefusals, [
				field('reason'),
				{ ok: false, reason: 'pledge_not_found' },
				{ ok: false, reason: 'delivery_ahead' },
				{ ok: false, reason: 'already_delivered' },
				{ ok: false, reason: 'already_withdrawn' },
				{ ok: false, reason: 'lapsed' },
				{ ok: false, reason: 'condition_pending' },
				{ ok: false, reason: 'not_marked' },
				{ ok: false, reason: 'not_money' },
				{ ok: false, reason: 'fund_not_found' },
				{ ok: false, reason: 'fund_archived' },
				{ ok: false, reason: 'currency_mismatch' },
				{ ok: false, reason: 'budget_line_not_found' }
			])
		]);
	});

	it('name every field a needs form shows, with every problem', () => {
		const samples: Sample[] = [];
		for (const name of Object.keys(NEEDS_FIELDS)) {
			samples.push({ name: `field ${name}`, text: () => refusalText(field(name), needRefusals) });
		}
		for (const problem of FIELD_PROBLEMS) {
			samples.push({ name: `title ${problem}`, text: () => refusalText(field('title', problem), needRefusals) });
		}
		expectEveryLanguage(samples);
	});

	it('say what the domain really answers, the cap in the need’s currency', () => {
		const { doc, by } = newSpace();
		const needId = moneyNeed(doc, by, { target: 10_000, cap: 12_000 });
		const mine = pledge(doc, needId, 10_000, by);
		const table = pledgeRefusals(euros);
		expect(saveError(() => addPledge(doc, { needId, amount: 3000, memberId: by }, by, at('2026-03-03')), table)).toMatch(
			/plafond : il reste 20,00\s€/
		);
		expect(saveError(() => editPledge(doc, mine, { amount: 12.5 }, by, at('2026-03-03')), table)).toContain('Quantité promise');
		expect(saveError(() => editPledge(doc, mine, { amount: 11_000 }, by, at('2026-03-03')), table)).toBe('');
		expect(saveError(() => null, table)).toBe('');
		const bug = saveError(() => {
			throw new Error('bug');
		}, table);
		expect(bug).not.toContain('bug');
		expect(bug).not.toBe('');
	});
});
