import { describe, expect, it } from 'vitest';
import { listActivity, newId, type Activity } from '$lib/domain/core';
import { activityArray } from '$lib/domain/core/schema';
import { reverseEntry, setDues } from '$lib/domain/money';
import { entry, fund } from '$lib/domain/money/testing';
import { addPledge, createNeed } from '$lib/domain/needs';
import { created, memberId, newSpace } from '$lib/domain/space/testing';
import { baseLocale, overwriteGetLocale } from '$lib/paraglide/runtime';
import { activityDetail, activityDetailText } from './activity-detail';

function inLocale<T>(locale: 'fr' | 'it' | 'en', body: () => T): T {
	overwriteGetLocale(() => locale);
	try {
		return body();
	} finally {
		overwriteGetLocale(() => baseLocale);
	}
}

/** Intl separates with narrow or plain no-break spaces: compared as plain spaces. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

function history() {
	const { doc, by } = newSpace();
	const box = fund(doc, by, { name: 'Caisse' });
	const spent = entry(doc, by, box, { amount: 50_000, direction: 'out', category: 'purchase' });
	reverseEntry(doc, spent, by, 'Facture en double');
	setDues(doc, 'default', { amount: 1_000, currency: 'EUR', period: 'monthly', start: '2026-01-01' }, by);
	const rice = createNeed(doc, { kind: 'goods', title: 'Riz', unit: 'kg', target: 40 }, by);
	addPledge(doc, { needId: rice, memberId: by, amount: 2.5 }, by);
	const records = listActivity(doc).items;
	const of = (action: string): Activity => records.find((r) => r.action === action)!;
	return { of };
}

describe('history lines', () => {
	it('word amounts, periods and quantities in the reader language, not as they were written', () => {
		const { of } = history();
		const lines = (locale: 'fr' | 'it' | 'en') =>
			inLocale(locale, () => ['ledger.created', 'ledger.reversed', 'dues.set', 'pledge.created'].map((action) => plain(activityDetailText(of(action)))));
		expect(lines('fr')).toEqual(['Caisse · -500,00 €', 'Facture en double · -500,00 €', 'Cotisation de base · 10,00 € par mois', 'Riz · 2,5 kg']);
		expect(lines('it')).toEqual(['Caisse · -500,00 €', 'Facture en double · -500,00 €', 'Quota di base · 10,00 € al mese', 'Riz · 2,5 kg']);
		expect(lines('en')).toEqual(['Caisse · -€500.00', 'Facture en double · -€500.00', 'Standard dues · €10.00 a month', 'Riz · 2.5 kg']);
		for (const locale of ['fr', 'it'] as const) for (const line of lines(locale)) expect(line).not.toMatch(/EUR|monthly|default|\d\.\d/);
	});

	it('keep the quoted name apart from the figures', () => {
		const { of } = history();
		expect(inLocale('fr', () => activityDetail(of('ledger.reversed')))).toMatchObject({ quoted: 'Facture en double' });
	});

	it('show an older record text as it was written', () => {
		const doc = newSpace().doc;
		const old = { id: newId<'activity'>(), at: 1, by: memberId(), action: 'dues.set', subjectKind: 'dues', subjectId: 'default', decisionId: null, summary: '10.00 EUR / monthly · default' };
		activityArray(doc).push([old]);
		const [record] = listActivity(doc, { subjectKind: 'dues' }).items;
		expect(inLocale('it', () => activityDetail(record!))).toEqual({ quoted: '10.00 EUR / monthly · default', facts: '' });
	});
});
