import { afterEach, describe, expect, it, vi } from 'vitest';
import { FIELD_PROBLEMS, newId, type InvalidField, type MemberId } from '$lib/domain/core';
import { createDecision, takePosition, type EffectRefusal, type Process } from '$lib/domain/decisions';
import { assembly, proposal, T0 } from '$lib/domain/decisions/testing';
import { overwriteGetLocale, baseLocale } from '$lib/paraglide/runtime';
import { expectEveryLanguage, type Sample } from '../refusals.testing';
import { refusalText, type RefusalMessages } from '../refusals';
import type { Names } from './labels';
import {
	addAllocationRefusals,
	applyRefusals,
	closeRefusals,
	commentRefusals,
	createRefusals,
	DECISION_FIELDS,
	editRefusals,
	effectRefusalText,
	positionRefusals,
	resolveRefusals,
	saveError,
	tallyRefusals,
	voidRefusals,
	withdrawRefusals
} from './refusals';

/** Every reason of a table, through the table, as the app would show it. */
function samplesOf<R extends { ok: false; reason: string }>(name: string, table: RefusalMessages<R>, refusals: R[]): Sample[] {
	const reasons = Object.keys(table).sort();
	expect(refusals.map((r) => r.reason).sort(), `${name}: one sample per reason`).toEqual(reasons);
	return refusals.map((refusal) => ({ name: `${name}: ${refusal.reason}`, text: () => refusalText(refusal, table) }));
}

const field = (name: string, problem: InvalidField['problem'] = 'required', limit: number | null = null): InvalidField => ({
	ok: false,
	reason: 'invalid_field',
	field: name,
	problem,
	limit
});

const bob = newId<'member'>();
const names: Names = {
	member: (id: MemberId | null) => (id === bob ? 'Bruno' : 'quelqu’un'),
	fund: () => 'Caisse',
	need: () => 'Loyer',
	resource: () => 'Camionnette',
	line: () => 'Fête'
};
const consent: Process = { kind: 'consent' };
const EFFECT_REFUSALS: EffectRefusal[] = [
	'fund_not_found',
	'fund_archived',
	'currency_mismatch',
	'budget_line_not_found',
	'need_not_found',
	'resource_not_found',
	'resource_removed',
	'key_taken'
];

describe('decision refusals', () => {
	afterEach(() => {
		overwriteGetLocale(() => baseLocale);
		vi.restoreAllMocks();
	});

	it('say every reason of every table in French, Italian and English', () => {
		expectEveryLanguage([
			...samplesOf('create', createRefusals, [
				field('title'),
				{ ok: false, reason: 'closes_in_past' },
				{ ok: false, reason: 'allocation_refused', index: 1, refusal: 'fund_archived' }
			]),
			...samplesOf('edit', editRefusals, [field('closesAt'), { ok: false, reason: 'closed' }, { ok: false, reason: 'not_found' }]),
			...samplesOf('comment', commentRefusals, [field('text', 'too_long', 4000), { ok: false, reason: 'not_found' }]),
			...samplesOf('position', positionRefusals, [
				field('reason', 'too_long', 2000),
				{ ok: false, reason: 'not_a_choice' },
				{ ok: false, reason: 'reason_required', choice: 'block' },
				{ ok: false, reason: 'closed' },
				{ ok: false, reason: 'not_found' }
			]),
			...samplesOf('tally', tallyRefusals(names, consent), [
				field('note', 'too_long', 2000),
				{ ok: false, reason: 'hand_not_a_choice', memberId: bob },
				{ ok: false, reason: 'hand_reason_required', memberId: bob },
				{ ok: false, reason: 'counted_twice', memberId: bob },
				{ ok: false, reason: 'not_a_member', memberId: bob },
				{ ok: false, reason: 'guests_not_a_choice', choice: 'block' },
				{ ok: false, reason: 'empty' },
				{ ok: false, reason: 'closed' },
				{ ok: false, reason: 'not_found' }
			]),
			...samplesOf('void', voidRefusals, [
				{ ok: false, reason: 'already_void' },
				{ ok: false, reason: 'tally_not_found' },
				{ ok: false, reason: 'not_found' }
			]),
			...samplesOf('add allocation', addAllocationRefusals(3), [
				field('amount', 'too_small', 1),
				{ ok: false, reason: 'effect_refused', refusal: 'resource_removed' },
				{ ok: false, reason: 'closed' },
				{ ok: false, reason: 'not_found' }
			]),
			...samplesOf('withdraw', withdrawRefusals, [
				{ ok: false, reason: 'closed' },
				{ ok: false, reason: 'already_withdrawn' },
				{ ok: false, reason: 'allocation_not_found' },
				{ ok: false, reason: 'not_found' }
			]),
			...samplesOf('close', closeRefusals, [
				field('outcome', 'not_a_choice'),
				{ ok: false, reason: 'already_closed', closing: { id: newId<'closing'>(), outcome: 'adopted', statement: '', by: bob, at: T0 } },
				{ ok: false, reason: 'not_found' }
			]),
			...samplesOf('apply', applyRefusals, [
				{ ok: false, reason: 'not_adopted' },
				{ ok: false, reason: 'not_found' }
			]),
			...samplesOf('resolve', resolveRefusals, [
				{ ok: false, reason: 'closing_not_found' },
				{ ok: false, reason: 'not_found' }
			]),
			...EFFECT_REFUSALS.map((refusal) => ({ name: `effect ${refusal}`, text: () => effectRefusalText(refusal) }))
		]);
	});

	it('name the member and the choice the sentence is about', () => {
		overwriteGetLocale(() => 'fr');
		const tally = tallyRefusals(names, { kind: 'vote', majority: 'simple' });
		expect(refusalText({ ok: false, reason: 'counted_twice', memberId: bob }, tally)).toContain('Bruno');
		expect(refusalText({ ok: false, reason: 'guests_not_a_choice', choice: 'yes' }, tally)).toContain('Oui');
		expect(refusalText({ ok: false, reason: 'allocation_refused', index: 1, refusal: 'fund_archived' }, createRefusals)).toMatch(/^Affectation 2 : /);
	});

	it('name every field a decision form shows, with every problem', () => {
		const samples: Sample[] = Object.keys(DECISION_FIELDS).map((name) => ({
			name: `field ${name}`,
			text: () => refusalText(field(name), createRefusals)
		}));
		for (const problem of FIELD_PROBLEMS) {
			samples.push({ name: `problem ${problem}`, text: () => refusalText(field('title', problem, 200), createRefusals) });
		}
		// A nested field is named by the list it belongs to.
		samples.push({ name: 'allocations.0.amount', text: () => refusalText(field('allocations.0.amount', 'too_small', 1), createRefusals) });
		expectEveryLanguage(samples);
	});

	it('turn what the domain answers into the person’s language, never the schema’s English', () => {
		const { doc, by } = assembly(0);
		overwriteGetLocale(() => 'fr');
		const twice = saveError(() => createDecision(doc, proposal({ process: 'poll', options: ['Oui', ' oui '] }), by, T0), createRefusals);
		expect(twice).toContain('Options');
		expect(twice).not.toMatch(/must differ|Invalid|Expected/);
		const past = saveError(() => createDecision(doc, proposal({ closesAt: T0 - 1 }), by, T0), createRefusals);
		expect(past).toBe('La clôture prévue doit être une date et une heure à venir.');
		const created = createDecision(doc, proposal(), by, T0);
		expect(created.ok).toBe(true);
		if (!created.ok) return;
		expect(saveError(() => takePosition(doc, created.id, { choice: 'yes' }, by, T0 + 1), positionRefusals)).toBe(
			'Cette réponse n’est pas un des choix de cette décision.'
		);
		expect(saveError(() => takePosition(doc, created.id, { choice: 'agree' }, by, T0 + 1), positionRefusals)).toBe('');
	});

	it('say a bug plainly, without its text', () => {
		overwriteGetLocale(() => 'fr');
		const log = vi.spyOn(console, 'error').mockImplementation(() => {});
		const text = saveError(() => {
			throw new Error('Cannot read properties of undefined');
		}, commentRefusals);
		expect(text).not.toContain('Cannot read');
		expect(text).toMatch(/erreur de l'application/);
		expect(log).toHaveBeenCalled();
		expect(saveError(() => null, commentRefusals)).toBe('');
	});
});
