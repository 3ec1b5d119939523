import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { listActivity, recordActivity } from './activity';
import { newId } from './ids';
import { activityArray } from './schema';
import { memberId, newSpace, syncDocs } from '../space/testing';
import { reverseEntry, setDues, transferFunds } from '../money';
import { entry, fund } from '../money/testing';

describe('activity', () => {
	it('keeps every record appended on partitioned replicas, newest first, filterable', () => {
		const a = new Y.Doc();
		const b = new Y.Doc();
		const alice = memberId();
		const bob = memberId();
		const decision = newId<'decision'>();
		recordActivity(a, { at: 10, by: alice, action: 'need.created', subjectKind: 'need', subjectId: 'n1', summary: 'Riz' });
		recordActivity(b, { at: 20, by: bob, action: 'ledger.created', subjectKind: 'ledger', subjectId: 'l1', decisionId: decision });
		syncDocs(a, b);
		for (const doc of [a, b]) {
			expect(listActivity(doc).items.map((x) => x.action)).toEqual(['ledger.created', 'need.created']);
			expect(listActivity(doc, { by: alice }).items).toHaveLength(1);
			expect(listActivity(doc, { decisionId: decision }).items[0]?.subjectId).toBe('l1');
			expect(listActivity(doc, { from: 15 }).items).toHaveLength(1);
			expect(listActivity(doc, { subjectKind: 'need' }).items[0]?.summary).toBe('Riz');
		}
	});

	it('skips and counts unreadable records', () => {
		const doc = new Y.Doc();
		activityArray(doc).push(['junk', { id: 'x' }]);
		recordActivity(doc, { at: 1, by: memberId(), action: 'space.created', subjectKind: 'space', subjectId: 's' });
		expect(listActivity(doc)).toMatchObject({ unreadable: 2, items: [{ action: 'space.created' }] });
	});

	it('keeps amounts in minor units with their currency, and only typed names as text', () => {
		const { doc, by } = newSpace();
		const box = fund(doc, by, { name: 'Caisse' });
		const bank = fund(doc, by, { name: 'Banque', kind: 'bank' });
		const rent = entry(doc, by, box, { amount: 50_000, direction: 'out', category: 'purchase' });
		reverseEntry(doc, rent, by, 'Facture en double');
		transferFunds(doc, { fromFundId: bank, toFundId: box, amount: 1_250, date: '2026-05-01' }, by);
		setDues(doc, 'default', { amount: 1_000, currency: 'EUR', period: 'monthly', start: '2026-01-01' }, by);
		const records = listActivity(doc).items;
		const of = (action: string) => records.find((r) => r.action === action);
		expect(of('ledger.created')).toMatchObject({ subjectKind: 'ledger', summary: 'Caisse', amount: -50_000, currency: 'EUR' });
		expect(of('ledger.reversed')).toMatchObject({ summary: 'Facture en double', amount: -50_000, currency: 'EUR' });
		expect(of('ledger.transferred')).toMatchObject({ summary: 'Banque', to: 'Caisse', amount: 1_250, currency: 'EUR' });
		expect(of('dues.set')).toMatchObject({ subjectId: 'default', summary: '', amount: 1_000, currency: 'EUR', period: 'monthly' });
		// Nothing the app wrote in one language: no figure, no currency code, no English word in the text.
		for (const record of records) expect(record.summary).not.toMatch(/\d|EUR|default|monthly/);
	});

	it('stores no empty field and no kind the action already names, and reads them back in full', () => {
		const doc = new Y.Doc();
		const by = memberId();
		recordActivity(doc, { at: 5, by, action: 'need.created', subjectKind: 'need', subjectId: 'n1', summary: '', decisionId: null });
		recordActivity(doc, { at: 6, by, action: 'dues.paid', subjectKind: 'ledger', subjectId: 'l1', data: { amount: 500, currency: 'EUR', unit: '' } });
		const stored = activityArray(doc).toArray() as Record<string, unknown>[];
		expect(Object.keys(stored[0]!).sort()).toEqual(['action', 'at', 'by', 'id', 'subjectId']);
		expect(Object.keys(stored[1]!).sort()).toEqual(['action', 'amount', 'at', 'by', 'currency', 'id', 'subjectId', 'subjectKind']);
		expect(listActivity(doc, { subjectKind: 'need' }).items).toMatchObject([{ subjectKind: 'need', summary: '', decisionId: null }]);
		expect(listActivity(doc, { subjectKind: 'ledger' }).items).toMatchObject([{ action: 'dues.paid', amount: 500 }]);
	});

	it('still reads a record written with every field and a prose summary', () => {
		const doc = new Y.Doc();
		const old = { id: newId<'activity'>(), at: 1, by: memberId(), action: 'ledger.created', subjectKind: 'ledger', subjectId: 'l1', decisionId: null, summary: '-500.00 EUR · Caisse' };
		activityArray(doc).push([old, { ...old, id: newId<'activity'>(), action: 'nothing.done' }]);
		const read = listActivity(doc);
		expect(read.unreadable).toBe(0);
		expect(read.items.map((r) => [r.action, r.subjectKind, r.summary]).sort()).toEqual([
			['ledger.created', 'ledger', '-500.00 EUR · Caisse'],
			['nothing.done', 'ledger', '-500.00 EUR · Caisse']
		]);
		activityArray(doc).push([{ ...old, id: newId<'activity'>(), subjectKind: undefined, action: 'nothing.done' }]);
		expect(listActivity(doc).unreadable).toBe(1);
	});
});
