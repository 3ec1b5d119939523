import { describe, expect, it } from 'vitest';
import { listActivity } from '../core/activity';
import { duesStatus, listDues, removeDues, setDues } from './dues';
import { changeDuesAmount, removeDuesChange } from './dues-changes';
import { replica } from './testing';
import { duesMap } from '../core/schema';
import { joinSpace } from '../space/space';
import { memberId, newSpace, syncDocs } from '../space/testing';

const JAN_2026 = Date.UTC(2026, 0, 1);

describe('dues amount changes', () => {
	const setup = () => {
		const { doc, by } = newSpace();
		const bob = memberId();
		joinSpace(doc, bob, 'Bob', Date.UTC(2026, 2, 10));
		setDues(doc, 'default', { amount: 1_000, currency: 'EUR', period: 'monthly', start: '2026-01-01' }, by, JAN_2026);
		return { doc, alice: by, bob };
	};
	const statusOf = (doc: ReturnType<typeof setup>['doc'], who: string, day: string) =>
		duesStatus(doc, day).items.find((s) => s.memberId === who);

	it('ask the new amount from the periods starting on its date, and keep the periods before', () => {
		const { doc, alice, bob } = setup();
		expect(changeDuesAmount(doc, 'default', { from: '2026-04-01', amount: 1_200 }, alice)).toEqual({ ok: true });
		// January to March at 10 €, April and May at 12 €.
		expect(statusOf(doc, alice, '2026-05-15')).toMatchObject({ periods: 5, expected: 5_400, amount: 1_200, amountSince: '2026-04-01', upcoming: [] });
		// Before the change: the new amount is still to come.
		expect(statusOf(doc, alice, '2026-03-15')).toMatchObject({
			expected: 3_000,
			amount: 1_000,
			amountSince: '2026-01-01',
			upcoming: [{ from: '2026-04-01', amount: 1_200 }],
			// The next period is the first at the new amount.
			nextDue: '2026-04-01',
			nextAmount: 1_200
		});
		// Bob's periods start on the 10th: March at 10 €, April 10th and May 10th at 12 €.
		expect(statusOf(doc, bob, '2026-05-15')).toMatchObject({ periods: 3, expected: 3_400, periodsLate: 3 });
		expect(listDues(doc).items[0]?.changes).toEqual([{ from: '2026-04-01', amount: 1_200 }]);
		expect(listActivity(doc, { subjectKind: 'dues' }).items).toContainEqual(
			expect.objectContaining({ action: 'dues.changed', subjectId: 'default', summary: '', amount: 1_200, currency: 'EUR', since: '2026-04-01' })
		);
	});

	it('stack, drop to zero, and can be taken back', () => {
		const { doc, alice } = setup();
		changeDuesAmount(doc, 'default', { from: '2026-03-01', amount: 1_500 }, alice);
		changeDuesAmount(doc, 'default', { from: '2026-05-01', amount: 0 }, alice);
		// 10 + 10 + 15 + 15 + 0 + 0.
		expect(statusOf(doc, alice, '2026-06-02')).toMatchObject({ periods: 6, expected: 5_000, amount: 0 });
		removeDuesChange(doc, 'default', '2026-03-01', alice);
		// 10 + 10 + 10 + 10 + 0 + 0.
		expect(statusOf(doc, alice, '2026-06-02')).toMatchObject({ expected: 4_000 });
		removeDuesChange(doc, 'default', '2026-05-01', alice);
		expect(statusOf(doc, alice, '2026-06-02')).toMatchObject({ expected: 6_000 });
		expect(listActivity(doc, { subjectKind: 'dues' }).items.filter((a) => a.action === 'dues.change_removed')).toHaveLength(2);
	});

	it('are refused on or before the start, without a setting, or with a bad amount, writing nothing', () => {
		const { doc, alice, bob } = setup();
		const before = listActivity(doc).items.length;
		expect(changeDuesAmount(doc, 'default', { from: '2026-01-01', amount: 1_200 }, alice)).toEqual({ ok: false, reason: 'not_after_start' });
		expect(changeDuesAmount(doc, bob, { from: '2026-06-01', amount: 1_200 }, alice)).toEqual({ ok: false, reason: 'no_setting' });
		expect(changeDuesAmount(doc, 'default', { from: '2026-06-01', amount: -5 }, alice)).toMatchObject({ ok: false, field: 'amount' });
		expect(changeDuesAmount(doc, 'default', { from: '01/06/2026', amount: 5 }, alice)).toMatchObject({ ok: false, field: 'from' });
		expect(listActivity(doc).items).toHaveLength(before);
		expect(listDues(doc).items[0]?.changes).toEqual([]);
	});

	it('go with the setting: a stopped setting made again, or another currency, starts without them', () => {
		const { doc, alice } = setup();
		changeDuesAmount(doc, 'default', { from: '2026-04-01', amount: 1_200 }, alice);
		// Correcting the amount keeps the change: it corrects the periods before it.
		setDues(doc, 'default', { amount: 900, currency: 'EUR', period: 'monthly', start: '2026-01-01' }, alice);
		expect(statusOf(doc, alice, '2026-04-15')).toMatchObject({ expected: 3 * 900 + 1_200 });
		// Moving the start past a change makes it moot.
		setDues(doc, 'default', { amount: 900, currency: 'EUR', period: 'monthly', start: '2026-05-01' }, alice);
		expect(listDues(doc).items[0]?.changes).toEqual([]);
		setDues(doc, 'default', { amount: 900, currency: 'EUR', period: 'monthly', start: '2026-01-01' }, alice);
		setDues(doc, 'default', { amount: 900, currency: 'CHF', period: 'monthly', start: '2026-01-01' }, alice);
		expect(listDues(doc).items[0]?.changes).toEqual([]);
		changeDuesAmount(doc, 'default', { from: '2026-04-01', amount: 1_200 }, alice);
		removeDues(doc, 'default', alice);
		setDues(doc, 'default', { amount: 900, currency: 'CHF', period: 'monthly', start: '2026-01-01' }, alice);
		expect(listDues(doc).items[0]?.changes).toEqual([]);
		expect([...(duesMap(doc).get('default') as { keys(): Iterable<string> }).keys()].filter((k) => k.startsWith('from:'))).toEqual([]);
	});

	it('made on two devices apart are both kept; one date changed on both keeps one amount', () => {
		const { doc: a, alice, bob } = setup();
		const b = replica(a);
		changeDuesAmount(a, 'default', { from: '2026-04-01', amount: 1_200 }, alice);
		changeDuesAmount(b, 'default', { from: '2026-07-01', amount: 1_500 }, bob);
		changeDuesAmount(a, 'default', { from: '2026-10-01', amount: 1_700 }, alice);
		changeDuesAmount(b, 'default', { from: '2026-10-01', amount: 1_800 }, bob);
		syncDocs(a, b);
		const changes = listDues(a).items[0]?.changes ?? [];
		expect(changes.map((c) => c.from)).toEqual(['2026-04-01', '2026-07-01', '2026-10-01']);
		expect([1_700, 1_800]).toContain(changes[2]?.amount);
		expect(listDues(b).items[0]?.changes).toEqual(changes);
	});

	it('answer a setting that was stopped, or a change already taken back, instead of doing nothing silently', () => {
		const { doc, alice } = setup();
		expect(removeDuesChange(doc, 'default', '2026-09-01', alice)).toEqual({ ok: true, changed: false });
		expect(removeDues(doc, 'default', alice)).toEqual({ ok: true });
		expect(removeDues(doc, 'default', alice)).toEqual({ ok: false, reason: 'no_setting' });
		expect(removeDuesChange(doc, 'default', '2026-09-01', alice)).toEqual({ ok: false, reason: 'no_setting' });
	});
});
