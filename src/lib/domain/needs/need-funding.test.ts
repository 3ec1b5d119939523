import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { newId } from '../core/ids';
import { editEntry, reverseEntry } from '../money/ledger-corrections';
import { readLedger } from '../money/ledger';
import { fundBalance } from '../money/balances';
import { undoPledgeMark } from './pledge-corrections';
import { entry, fund } from '../money/testing';
import { allocatedByNeed, allocatedToNeed, needFunding } from './need-funding';
import { at, hoursNeed, moneyNeed, pledge } from './testing';
import { deliverPledge } from './pledges';
import { listNeeds, needProgress, needsOverCap } from './progress';
import { memberId, newSpace, syncDocs } from '../space/testing';

describe('money reaching a need through the ledger', () => {
	it('counts money received for the need or spent on it, the same euro once, in the need’s currency only', () => {
		const { doc, by } = newSpace();
		const needId = moneyNeed(doc, by, { target: 100_000, cap: 110_000 });
		const cash = fund(doc, by);
		const dollars = fund(doc, by, { name: 'Compte US', currency: 'USD' });
		entry(doc, by, cash, { direction: 'out', category: 'allocation', amount: 40_000, needId });
		const bought = entry(doc, by, cash, { direction: 'out', category: 'purchase', amount: 5000, needId });
		entry(doc, by, cash, { direction: 'in', category: 'donation', amount: 9000, needId });
		entry(doc, by, dollars, { direction: 'out', category: 'allocation', amount: 7000, needId });
		entry(doc, by, cash, { direction: 'out', category: 'purchase', amount: 3000 });
		expect(allocatedToNeed(doc, needId)).toBe(45_000);
		expect(reverseEntry(doc, bought, by, 'Mauvais besoin')).toMatchObject({ ok: true });
		expect(allocatedToNeed(doc, needId)).toBe(40_000);

		// 60 000 delivered and 9 000 earmarked were received; the 40 000 spent is that money leaving its fund.
		deliverPledge(doc, pledge(doc, needId, 60_000, by), {}, by, at('2026-03-03'));
		expect(needProgress(doc, needId, '2026-03-03', allocatedToNeed(doc, needId))).toMatchObject({
			delivered: 69_000,
			extraDelivered: 9000,
			status: 'open'
		});
		expect(allocatedToNeed(doc, hoursNeed(doc, by))).toBe(0);
		expect(allocatedToNeed(doc, newId<'need'>())).toBe(0);
	});

	it('moves a reversal with its original when the original is pointed at another need, as the ledger shows it', () => {
		const { doc, by } = newSpace();
		const first = moneyNeed(doc, by, { target: 100_000 });
		const second = moneyNeed(doc, by, { target: 100_000 });
		const cash = fund(doc, by);
		const bought = entry(doc, by, cash, { direction: 'out', category: 'purchase', amount: 5000, needId: first });
		entry(doc, by, cash, { direction: 'out', category: 'purchase', amount: 2000, needId: first });
		expect(reverseEntry(doc, bought, by, 'Mauvais besoin')).toMatchObject({ ok: true });
		expect(editEntry(doc, bought, { needId: second }, by)).toMatchObject({ ok: true });
		const reversal = readLedger(doc).items.find((e) => e.reverses === bought);
		expect(reversal?.needId).toBe(second);
		const allocated = allocatedByNeed(doc);
		expect([allocated(first), allocated(second)]).toEqual([2000, 0]);
	});

	it('feeds the list of needs and the caps passed after a merge', () => {
		const { doc: a, by } = newSpace();
		const needId = moneyNeed(a, by, { target: 10_000, cap: 12_000 });
		const cash = fund(a, by);
		const b = new Y.Doc();
		syncDocs(a, b);
		pledge(a, needId, 9000, by);
		entry(b, memberId(), cash, { direction: 'out', category: 'allocation', amount: 10_000, needId });
		syncDocs(a, b);
		const funded = allocatedByNeed(b);
		expect(listNeeds(b, { status: 'met', extraDelivered: funded }).items.map((n) => n.id)).toEqual([needId]);
		expect(needsOverCap(b, '2026-03-04', funded)).toMatchObject([{ needId, total: 19_000, over: 7000 }]);
	});
});

describe('what counts toward a need: delivered pledges and the ledger, never twice', () => {
	it('counts an 800 € donation earmarked for the need, and not again when it is allocated to it', () => {
		const { doc, by } = newSpace();
		const needId = moneyNeed(doc, by, { target: 100_000 });
		const cash = fund(doc, by);
		entry(doc, by, cash, { direction: 'in', category: 'donation', amount: 80_000, needId });
		expect(needProgress(doc, needId, '2026-03-03', allocatedToNeed(doc, needId))).toMatchObject({ delivered: 80_000 });
		entry(doc, by, cash, { direction: 'out', category: 'allocation', amount: 80_000, needId });
		expect(needFunding(doc, needId)).toMatchObject({ earmarked: 80_000, spent: 80_000, counted: 80_000 });
		// Spending beyond what was received for the need is other money: it counts.
		entry(doc, by, cash, { direction: 'out', category: 'purchase', amount: 30_000, needId });
		expect(needProgress(doc, needId, '2026-03-03', allocatedToNeed(doc, needId))).toMatchObject({ delivered: 110_000, status: 'met' });
	});

	it('records a delivered money pledge in the chosen fund in one step, and counts its money once', () => {
		const { doc, by } = newSpace();
		const needId = moneyNeed(doc, by, { target: 100_000 });
		const cash = fund(doc, by);
		const given = pledge(doc, needId, 30_000, by);
		const result = deliverPledge(doc, given, { fundId: cash }, by, at('2026-03-03'));
		expect(result).toMatchObject({ ok: true });
		const money = readLedger(doc).items.filter((e) => e.pledgeId === given);
		expect(money).toMatchObject([
			{ fundId: cash, amount: 30_000, direction: 'in', category: 'donation', needId, date: '2026-03-03', counterparty: { kind: 'member', memberId: by } }
		]);
		expect(result.ok && result.entryId).toBe(money[0]?.id);
		expect(fundBalance(doc, cash)?.balance).toBe(30_000);
		expect(needFunding(doc, needId)).toMatchObject({ pledged: 30_000, earmarked: 0, pledgeEntries: 30_000, counted: 30_000 });
		expect(needProgress(doc, needId, '2026-03-03', allocatedToNeed(doc, needId))).toMatchObject({ delivered: 30_000 });
		// Allocating that money to the need later spends it: still 30 000.
		entry(doc, by, cash, { direction: 'out', category: 'allocation', amount: 30_000, needId });
		expect(needProgress(doc, needId, '2026-03-03', allocatedToNeed(doc, needId))).toMatchObject({ delivered: 30_000 });
		// The delivery taken back, the money is still in the ledger, earmarked: still counted, once.
		expect(undoPledgeMark(doc, given, 'delivery', by, at('2026-03-04'))).toMatchObject({ ok: true });
		expect(needFunding(doc, needId)).toMatchObject({ pledged: 0, earmarked: 30_000, counted: 30_000 });
		// Delivered again: its money is already there, nothing more is written.
		expect(deliverPledge(doc, given, { fundId: cash }, by, at('2026-03-05'))).toMatchObject({ ok: true });
		expect(readLedger(doc).items.filter((e) => e.pledgeId === given)).toHaveLength(1);
		expect(needFunding(doc, needId)).toMatchObject({ pledged: 30_000, earmarked: 0, counted: 30_000 });
	});

	it('writes one entry when two offline phones deliver the same pledge into a fund', () => {
		const { doc: a, by } = newSpace();
		const needId = moneyNeed(a, by, { target: 100_000 });
		const cash = fund(a, by);
		const given = pledge(a, needId, 25_000, by);
		const b = new Y.Doc();
		syncDocs(a, b);
		expect(deliverPledge(a, given, { fundId: cash }, by, at('2026-03-03'))).toMatchObject({ ok: true });
		expect(deliverPledge(b, given, { fundId: cash }, memberId(), at('2026-03-04'))).toMatchObject({ ok: true });
		syncDocs(a, b);
		for (const doc of [a, b]) {
			expect(readLedger(doc).items.filter((e) => e.pledgeId === given)).toHaveLength(1);
			expect(fundBalance(doc, cash)?.balance).toBe(25_000);
			expect(needProgress(doc, needId, '2026-03-04', allocatedToNeed(doc, needId))).toMatchObject({ delivered: 25_000 });
		}
	});

	it('refuses a fund for a pledge of goods or time, and a fund in another currency, writing nothing', () => {
		const { doc, by } = newSpace();
		const hours = hoursNeed(doc, by);
		const euros = moneyNeed(doc, by);
		const cash = fund(doc, by);
		const dollars = fund(doc, by, { name: 'Compte US', currency: 'USD' });
		const time = pledge(doc, hours, 4, by);
		const money = pledge(doc, euros, 1000, by);
		expect(deliverPledge(doc, time, { fundId: cash }, by, at('2026-03-03'))).toEqual({ ok: false, reason: 'not_money' });
		expect(deliverPledge(doc, money, { fundId: dollars }, by, at('2026-03-03'))).toEqual({ ok: false, reason: 'currency_mismatch' });
		expect(readLedger(doc).items).toHaveLength(0);
		expect(needProgress(doc, euros, '2026-03-03')).toMatchObject({ delivered: 0 });
	});
});
