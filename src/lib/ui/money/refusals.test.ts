import { describe, expect, it } from 'vitest';
import { FIELD_PROBLEMS, newId, type InvalidField } from '$lib/domain/core';
import { createFund, recordEntry, reverseEntry, setDues, changeDuesAmount } from '$lib/domain/money';
import { entry, fund } from '$lib/domain/money/testing';
import { newSpace } from '$lib/domain/space/testing';
import { expectEveryLanguage, type Sample } from '../refusals.testing';
import { correctionRefusals, duesChangeRefusals, duesRefusals, entryRefusals, fundRefusals, MONEY_FIELDS, saveRefusal } from './refusals';
import { refusalText, type RefusalMessages } from '../refusals';

/** Every reason of a table, through the table, as the app would show it. */
function samplesOf<R extends { ok: false; reason: string }>(name: string, table: RefusalMessages<R>, refusals: R[]): Sample[] {
	const reasons = Object.keys(table).sort();
	expect(refusals.map((r) => r.reason).sort(), `${name}: one sample per reason`).toEqual(reasons);
	return refusals.map((refusal) => ({ name: `${name}: ${refusal.reason}`, text: () => refusalText(refusal, table) }));
}

const field = (name: string): InvalidField => ({ ok: false, reason: 'invalid_field', field: name, problem: 'required', limit: null });

describe('money refusals', () => {
	it('say every reason of every table in French, Italian and English', () => {
		expectEveryLanguage([
			...samplesOf('funds', fundRefusals, [
				field('name'),
				{ ok: false, reason: 'fund_not_found' },
				{ ok: false, reason: 'not_a_budget' },
				{ ok: false, reason: 'lines_unreadable' },
				{ ok: false, reason: 'budget_line_not_found' }
			]),
			...samplesOf('entries', entryRefusals, [
				field('amount'),
				{ ok: false, reason: 'fund_not_found' },
				{ ok: false, reason: 'fund_archived' },
				{ ok: false, reason: 'currency_mismatch' },
				{ ok: false, reason: 'budget_line_not_found' },
				{ ok: false, reason: 'same_fund' }
			]),
			...samplesOf('corrections', correctionRefusals, [
				field('reason'),
				{ ok: false, reason: 'not_found' },
				{ ok: false, reason: 'already_reversed' },
				{ ok: false, reason: 'is_reversal' },
				{ ok: false, reason: 'reversal_follows_original' },
				{ ok: false, reason: 'category_fixed' },
				{ ok: false, reason: 'budget_line_not_found' }
			]),
			...samplesOf('dues', duesRefusals, [field('period'), { ok: false, reason: 'no_setting' }]),
			...samplesOf('dues changes', duesChangeRefusals('2026-01-01'), [
				field('from'),
				{ ok: false, reason: 'no_setting' },
				{ ok: false, reason: 'not_after_start' }
			])
		]);
	});

	it('name every field a money form shows, with every problem', () => {
		const samples: Sample[] = [];
		for (const name of Object.keys(MONEY_FIELDS)) {
			samples.push({ name: `field ${name}`, text: () => refusalText(field(name), entryRefusals) });
		}
		for (const problem of FIELD_PROBLEMS) {
			const refusal: InvalidField = { ok: false, reason: 'invalid_field', field: 'lines.0.planned', problem, limit: 120 };
			samples.push({ name: `problem ${problem}`, text: () => refusalText(refusal, fundRefusals) });
		}
		expectEveryLanguage(samples);
	});

	it('turn what the domain answers into the sentence a form shows, and a bug into a plain one', () => {
		const { doc, by } = newSpace();
		const box = fund(doc, by);
		const id = entry(doc, by, box);
		expect(saveRefusal(() => createFund(doc, { name: ' ', kind: 'cash', currency: 'EUR' }, by), fundRefusals)).toBe('« Nom » est à remplir.');
		expect(saveRefusal(() => recordEntry(doc, { fundId: newId<'fund'>(), date: '2026-01-01', amount: 1, direction: 'in', category: 'donation' }, by), entryRefusals)).toBe(
			'Ce fonds n\'existe plus.'
		);
		expect(saveRefusal(() => reverseEntry(doc, id, by, 'Erreur'), correctionRefusals)).toBeNull();
		expect(saveRefusal(() => reverseEntry(doc, id, by, 'Encore'), correctionRefusals)).toBe('Cette écriture a déjà été annulée.');
		expect(saveRefusal(() => setDues(doc, 'default', { amount: 100, currency: 'EUR', period: 'monthly', start: '2026-01-01' }, by), duesRefusals)).toBeNull();
		expect(saveRefusal(() => changeDuesAmount(doc, 'default', { from: '2026-01-01', amount: 200 }, by), duesChangeRefusals('2026-01-01'))).toMatch(
			/^La date doit venir après le début de la cotisation/
		);
		const quiet = console.error;
		console.error = () => {};
		try {
			const bug = (): { ok: true } => {
				throw new Error('bug');
			};
			expect(saveRefusal(bug, fundRefusals)).toMatch(/erreur de l'application/);
		} finally {
			console.error = quiet;
		}
	});
});
