import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { newId } from '../core/ids';
import { editEntry, reverseEntry } from '../money/ledger-corrections';
import { readLedger } from '../money/ledger';
import { entry, fund } from '../money/testing';
import { allocatedByNeed, allocatedToNeed } from './need-funding';
import { at, hoursNeed, moneyNeed, pledge } from './testing';
import { deliverPledge } from './pledges';
import { listNeeds, needProgress, needsOverCap } from './progress';
import { memberId, newSpace, syncDocs } from '../space/testing';

describe('money reaching a need through the ledger', () => {
	it('counts money out toward the need, less its reversals, in the need’s currency only', () => {
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

		deliverPledge(doc, pledge(doc, needId, 60_000, by), {}, by, at('2026-03-03'));
		expect(needProgress(doc, needId, '2026-03-03', allocatedToNeed(doc, needId))).toMatchObject({
			delivered: 100_000,
			extraDelivered: 40_000,
			status: 'met'
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
