import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { listActivity } from '../core/activity';
import { duesStatus, listDues, periodStart, periodsStarted, recordDuesPayment, removeDues, setDues } from './dues';
import { setFundArchived } from './funds';
import { listEntries } from './ledger';
import { reverseEntry } from './ledger-corrections';
import { entry, fund, replica } from './testing';
import { duesMap } from '../core/schema';
import { joinSpace } from '../space/space';
import { memberId, newSpace, syncDocs } from '../space/testing';

const JAN_2026 = Date.UTC(2026, 0, 1);

describe('dues periods', () => {
	it('start on the same day each period, or the month’s last day', () => {
		expect(periodStart('2026-01-31', 1)).toBe('2026-02-28');
		expect(periodStart('2024-01-31', 1)).toBe('2024-02-29');
		expect(periodStart('2026-01-31', 3)).toBe('2026-04-30');
		expect(periodStart('2026-11-15', 3)).toBe('2027-02-15');
		expect(periodStart('2026-03-01', 12)).toBe('2027-03-01');
	});

	it('count the periods started by a day, the current one included', () => {
		expect(periodsStarted('2026-01-15', '2026-01-14', 1)).toBe(0);
		expect(periodsStarted('2026-01-15', '2026-01-15', 1)).toBe(1);
		expect(periodsStarted('2026-01-15', '2026-02-14', 1)).toBe(1);
		expect(periodsStarted('2026-01-15', '2026-02-15', 1)).toBe(2);
		expect(periodsStarted('2026-01-31', '2026-02-28', 1)).toBe(2);
		expect(periodsStarted('2026-01-31', '2026-02-27', 1)).toBe(1);
		expect(periodsStarted('2026-01-01', '2026-12-31', 3)).toBe(4);
		expect(periodsStarted('2026-01-01', '2027-01-01', 3)).toBe(5);
		expect(periodsStarted('2025-06-01', '2026-05-31', 12)).toBe(1);
		expect(periodsStarted('2025-06-01', '2026-06-01', 12)).toBe(2);
	});
});

describe('dues', () => {
	const setup = () => {
		const { doc, by } = newSpace();
		const bob = memberId();
		joinSpace(doc, bob, 'Bob', Date.UTC(2026, 2, 10));
		const box = fund(doc, by);
		setDues(doc, 'default', { amount: 1_000, currency: 'EUR', period: 'monthly', start: '2026-01-01' }, by, JAN_2026);
		return { doc, alice: by, bob, box };
	};

	it('apply the default from the later of its start and the day the member joined', () => {
		const { doc, alice, bob } = setup();
		const status = duesStatus(doc, '2026-04-15');
		expect(status.unreadable).toBe(0);
		expect(status.items).toMatchObject([
			{ memberId: alice, name: 'Alice', source: 'default', start: '2026-01-01', periods: 4, expected: 4_000, paid: 0, balance: -4_000, state: 'late', periodsLate: 4, nextDue: '2026-05-01' },
			{ memberId: bob, name: 'Bob', source: 'default', start: '2026-03-10', periods: 2, expected: 2_000, state: 'late', periodsLate: 2, nextDue: '2026-05-10' }
		]);
		expect(duesStatus(doc, '2025-12-31').items[0]).toMatchObject({ state: 'not_started', periods: 0, expected: 0, nextDue: '2026-01-01' });
	});

	it('count dues payments with the member as counterparty, net of reversals, up to the day asked', () => {
		const { doc, alice, bob, box } = setup();
		const paid = (input: { amount: number; date: string }) => recordDuesPayment(doc, { memberId: alice, fundId: box, note: '', ...input }, bob);
		paid({ amount: 3_000, date: '2026-01-05' });
		const wrong = paid({ amount: 2_000, date: '2026-02-05' });
		if (wrong.ok) reverseEntry(doc, wrong.id, bob, 'Mauvais membre', undefined, { date: '2026-02-06' });
		paid({ amount: 1_500, date: '2026-04-02' });
		paid({ amount: 9_000, date: '2026-05-02' });
		// A donation from Alice is not dues; neither is a payment in another currency.
		entry(doc, bob, box, { amount: 5_000, counterparty: { kind: 'member', memberId: alice } });
		const [status] = duesStatus(doc, '2026-04-15').items;
		expect(status).toMatchObject({ paid: 4_500, expected: 4_000, balance: 500, state: 'up_to_date', periodsLate: 0, periodsAhead: 0 });
		expect(duesStatus(doc, '2026-05-02').items[0]).toMatchObject({ paid: 13_500, expected: 5_000, periodsAhead: 8 });
		expect(duesStatus(doc, '2026-03-01').items[0]).toMatchObject({ paid: 3_000, expected: 3_000, balance: 0, state: 'up_to_date' });
		expect(duesStatus(doc, '2026-03-15').items.find((s) => s.memberId === bob)).toMatchObject({ balance: -1_000, periodsLate: 1 });
	});

	it('let a member’s own setting override the default, and fall back when it is removed', () => {
		const { doc, alice, bob } = setup();
		setDues(doc, bob, { amount: 0, currency: 'EUR', period: 'yearly', start: '2026-01-01' }, alice);
		setDues(doc, alice, { amount: 6_000, currency: 'EUR', period: 'quarterly', start: '2025-10-01' }, alice);
		const status = duesStatus(doc, '2026-04-15').items;
		expect(status.find((s) => s.memberId === bob)).toMatchObject({ source: 'member', expected: 0, state: 'up_to_date' });
		expect(status.find((s) => s.memberId === alice)).toMatchObject({ source: 'member', periods: 3, expected: 18_000, periodsLate: 3 });
		removeDues(doc, bob, alice);
		expect(duesStatus(doc, '2026-04-15').items.find((s) => s.memberId === bob)).toMatchObject({ source: 'default', expected: 2_000 });
		removeDues(doc, 'default', alice);
		expect(duesStatus(doc, '2026-04-15').items.map((s) => s.memberId)).toEqual([alice]);
		expect(listDues(doc).items.map((d) => d.target)).toEqual([alice]);
		expect(listActivity(doc, { subjectKind: 'dues' }).items.map((a) => a.action).sort()).toEqual([
			'dues.removed',
			'dues.removed',
			'dues.set',
			'dues.set',
			'dues.set'
		]);
	});

	it('record a payment as a dues entry in the fund, with its own activity', () => {
		const { doc, alice, bob, box } = setup();
		const result = recordDuesPayment(doc, { memberId: bob, amount: 1_000, fundId: box, date: '2026-03-10', note: 'Mars' }, alice, 5_000);
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		expect(listEntries(doc, { memberId: bob }).items).toMatchObject([
			{ id: result.id, category: 'dues', direction: 'in', amount: 1_000, currency: 'EUR', note: 'Mars', createdBy: alice }
		]);
		expect(listActivity(doc, { subjectId: result.id }).items).toMatchObject([
			{ action: 'dues.paid', subjectKind: 'ledger', summary: 'Caisse · Bob', amount: 1_000, currency: 'EUR' }
		]);
		setFundArchived(doc, box, true, alice);
		expect(recordDuesPayment(doc, { memberId: bob, amount: 1_000, fundId: box, date: '2026-03-10', note: '' }, alice)).toEqual({
			ok: false,
			reason: 'fund_archived'
		});
		expect(recordDuesPayment(doc, { memberId: bob, amount: 0, fundId: box, date: '2026-03-10', note: '' }, alice)).toMatchObject({ ok: false, field: 'amount' });
	});

	it('keep payments recorded on two devices offline', () => {
		const { doc: a, alice, bob, box } = setup();
		const b = replica(a);
		recordDuesPayment(a, { memberId: bob, amount: 1_000, fundId: box, date: '2026-03-10', note: '' }, alice);
		recordDuesPayment(b, { memberId: bob, amount: 1_000, fundId: box, date: '2026-04-10', note: '' }, bob);
		syncDocs(a, b);
		for (const doc of [a, b]) {
			expect(duesStatus(doc, '2026-04-15').items.find((s) => s.memberId === bob)).toMatchObject({ paid: 2_000, state: 'up_to_date' });
		}
	});

	it('skip and count unreadable settings, and refuse bad input', () => {
		const { doc, alice } = setup();
		duesMap(doc).set('junk', 'x');
		const wrong = new Y.Map<unknown>();
		wrong.set('target', 'default');
		duesMap(doc).set(memberId(), wrong);
		expect(duesStatus(doc, '2026-04-15')).toMatchObject({ unreadable: 2 });
		expect(setDues(doc, 'default', { amount: -1, currency: 'EUR', period: 'monthly', start: '2026-01-01' }, alice)).toMatchObject({ ok: false, field: 'amount' });
		// @ts-expect-error weekly dues are not offered
		expect(setDues(doc, 'default', { amount: 1, currency: 'EUR', period: 'weekly', start: '2026-01-01' }, alice)).toMatchObject({ ok: false, field: 'period' });
		expect(setDues(doc, 'nobody' as never, { amount: 1, currency: 'EUR', period: 'monthly', start: '2026-01-01' }, alice)).toMatchObject({ ok: false, field: 'target' });
		expect(() => duesStatus(doc, '15/04/2026')).toThrow(/today/);
	});
});

describe('a member who joins', () => {
	it('owes the running period from the first day without being late, and is late once it ends unpaid', () => {
		const { doc, by: alice } = newSpace();
		const newcomer = memberId();
		setDues(doc, 'default', { amount: 1_000, currency: 'EUR', period: 'monthly', start: '2026-01-01' }, alice, JAN_2026);
		joinSpace(doc, newcomer, 'Nadia', Date.UTC(2026, 2, 10));
		const on = (day: string) => duesStatus(doc, day).items.find((s) => s.memberId === newcomer);
		expect(on('2026-03-10')).toMatchObject({ start: '2026-03-10', state: 'due', balance: -1_000 });
		expect(on('2026-04-09')).toMatchObject({ state: 'due', balance: -1_000 });
		expect(on('2026-04-10')).toMatchObject({ state: 'late', balance: -2_000 });
	});
});
