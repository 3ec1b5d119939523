import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { listActivity } from '../core/activity';
import { addAllocation, allocationBookingId, traceAllocations, withdrawAllocation } from './allocations';
import { getBooking, listBookings } from '../bookings/bookings';
import { adoptDecision, applyAllocations, closeDecision, resolveClosing } from './closings';
import { decisionResults } from './results';
import { assembly, propose, proposal, T0 } from './testing';
import { createDecision, getDecision } from './decisions';
import { createFund, setFundArchived } from '../money/funds';
import { created } from '../money/testing';
import type { MemberId } from '../core/ids';
import { listEntries } from '../money/ledger';
import { createNeed, getNeed } from '../needs/needs';
import { addResource, removeResource } from '../inventory/resources';
import { memberId, syncDocs } from '../space/testing';

const H = 3_600_000;
const TODAY = '2027-01-15';

function commons(doc: Y.Doc, by: MemberId) {
	const fund = created(createFund(doc, { name: 'Caisse', kind: 'cash', currency: 'EUR' }, by, T0 - 10));
	const need = createNeed(doc, { kind: 'money', title: 'Loyer de la cantine', unit: 'EUR', target: 50_000 }, by, T0 - 10);
	const van = created(addResource(doc, { kind: 'vehicle', name: 'Camionnette' }, by, T0 - 10));
	return { fund, need, van };
}

function proposeWithAllocations(doc: Y.Doc, by: MemberId) {
	const { fund, need, van } = commons(doc, by);
	const id = propose(doc, by, {
		allocations: [
			{ kind: 'money', fundId: fund, amount: 12_000, currency: 'EUR', needId: need },
			{ kind: 'booking', resourceId: van, start: T0 + 10 * H, end: T0 + 20 * H, to: { kind: 'collective', name: 'Cantine' } },
			{ kind: 'close_need', needId: need }
		]
	});
	return { id, fund, need, van };
}

describe('allocations', () => {
	it('carries out every allocation when adopted, each traced to the decision', () => {
		const { doc, by } = assembly(0);
		const { id, fund, need, van } = proposeWithAllocations(doc, by);
		expect(listEntries(doc).items).toEqual([]);
		const result = adoptDecision(doc, id, { statement: 'Oui' }, by, T0 + 100);
		expect(result.ok && result.effects.map((e) => e.status)).toEqual(['done', 'done', 'done']);
		const [entry] = listEntries(doc, { fundId: fund }).items;
		expect(entry).toMatchObject({ amount: 12_000, direction: 'out', category: 'allocation', decisionId: id, needId: need });
		const [booking] = listBookings(doc, { resourceId: van }).items;
		expect(booking).toMatchObject({ status: 'confirmed', decisionId: id, to: { kind: 'collective', name: 'Cantine' } });
		expect(getNeed(doc, need)?.status).toBe('closed');
		const traced = listActivity(doc, { decisionId: id }).items.map((a) => a.action).sort();
		expect(traced).toEqual(['booking.granted', 'decision.closed', 'decision.created', 'ledger.allocated', 'need.closed']);
		const trace = traceAllocations(doc, getDecision(doc, id)!);
		expect(trace.map((t) => [t.execution?.by, t.ledgerEntry?.id ?? null, t.booking?.id ?? null])).toEqual([
			[by, entry?.id, null],
			[by, null, booking?.id],
			[by, null, null]
		]);
		expect(decisionResults(doc, id, TODAY)?.pendingAllocations).toEqual([]);
	});

	it('two devices adopting offline write one ledger entry and one booking', () => {
		const { doc: a, by } = assembly(0);
		const { id, fund, van } = proposeWithAllocations(a, by);
		const b = new Y.Doc();
		syncDocs(a, b);
		adoptDecision(a, id, { statement: 'Adopté en AG' }, by, T0 + 100);
		const other = adoptDecision(b, id, { statement: 'Adopté en AG' }, memberId(), T0 + 200);
		expect(other.ok && other.effects.map((e) => e.status)).toEqual(['done', 'done', 'done']);
		syncDocs(a, b);
		for (const doc of [a, b]) {
			expect(listEntries(doc, { fundId: fund }).items).toHaveLength(1);
			expect(listBookings(doc, { resourceId: van }).items).toHaveLength(1);
			expect(getDecision(doc, id)?.closings).toHaveLength(2);
			expect(decisionResults(doc, id, TODAY)).toMatchObject({ closingConflict: false, pendingAllocations: [] });
		}
		// Adopting again here finds every effect already written.
		expect(applyAllocations(a, id, by)).toMatchObject({ ok: true, effects: [{ status: 'already_done' }, { status: 'already_done' }, { status: 'already_done' }] });
		expect(listEntries(a).items).toHaveLength(1);
	});

	it('refuses allocations that point at nothing, and nothing once closed', () => {
		const { doc, by } = assembly(0);
		const { fund, van } = commons(doc, by);
		expect(createDecision(doc, proposal({ allocations: [{ kind: 'money', fundId: fund, amount: 10, currency: 'CHF' }] }), by, T0)).toMatchObject(
			{ ok: false, reason: 'allocation_refused', index: 0, refusal: 'currency_mismatch' }
		);
		expect(createDecision(doc, proposal({ allocations: [{ kind: 'money', fundId: fund, amount: 0, currency: 'EUR' }] }), by, T0)).toMatchObject(
			{ ok: false, reason: 'invalid_field', field: 'allocations.0.amount' }
		);
		const id = propose(doc, by);
		expect(addAllocation(doc, id, { kind: 'booking', resourceId: van, start: 5, end: 5, to: { kind: 'member', memberId: by } }, by)).toMatchObject(
			{ ok: false, reason: 'invalid_field', field: 'end' }
		);
		removeResource(doc, van, by);
		expect(addAllocation(doc, id, { kind: 'booking', resourceId: van, start: 5, end: 6, to: { kind: 'member', memberId: by } }, by)).toMatchObject(
			{ ok: false, reason: 'effect_refused', refusal: 'resource_removed' }
		);
		const added = addAllocation(doc, id, { kind: 'money', fundId: fund, amount: 500, currency: 'EUR' }, by, T0 + 1);
		expect(added.ok).toBe(true);
		if (!added.ok) return;
		expect(withdrawAllocation(doc, id, added.id, by, T0 + 2)).toEqual({ ok: true });
		expect(withdrawAllocation(doc, id, added.id, by)).toEqual({ ok: false, reason: 'already_withdrawn' });
		const adopted = adoptDecision(doc, id, {}, by, T0 + 3);
		expect(adopted.ok && adopted.effects).toEqual([]);
		expect(listEntries(doc).items).toEqual([]);
		expect(addAllocation(doc, id, { kind: 'money', fundId: fund, amount: 1, currency: 'EUR' }, by)).toEqual({ ok: false, reason: 'closed' });
	});

	it('keeps an effect that cannot be carried out pending, and carries it out later', () => {
		const { doc, by } = assembly(0);
		const { id, fund } = proposeWithAllocations(doc, by);
		setFundArchived(doc, fund, true, by, T0 + 50);
		const result = adoptDecision(doc, id, {}, by, T0 + 100);
		expect(result.ok && result.effects.map((e) => e.status)).toEqual(['refused', 'done', 'done']);
		expect(result.ok && result.effects[0]).toMatchObject({ refusal: 'fund_archived' });
		expect(decisionResults(doc, id, TODAY)?.pendingAllocations.map((a) => a.effect.kind)).toEqual(['money']);
		setFundArchived(doc, fund, false, by, T0 + 150);
		expect(applyAllocations(doc, id, by, T0 + 200)).toMatchObject({ ok: true, effects: [{ status: 'done' }, { status: 'already_done' }, { status: 'already_done' }] });
		expect(decisionResults(doc, id, TODAY)?.pendingAllocations).toEqual([]);
		expect(listEntries(doc, { fundId: fund }).items[0]?.decisionId).toBe(id);
	});

	it('shows an allocation declared offline while another device adopted as pending', () => {
		const { doc: a, by } = assembly(0);
		const { fund } = commons(a, by);
		const id = propose(a, by);
		const b = new Y.Doc();
		syncDocs(a, b);
		addAllocation(b, id, { kind: 'money', fundId: fund, amount: 700, currency: 'EUR' }, by, T0 + 10);
		adoptDecision(a, id, {}, by, T0 + 20);
		syncDocs(a, b);
		expect(decisionResults(a, id, TODAY)?.pendingAllocations).toHaveLength(1);
		expect(listEntries(a).items).toEqual([]);
		applyAllocations(a, id, by, T0 + 30);
		expect(listEntries(a).items).toHaveLength(1);
	});

	it('carries out nothing unless adopted, and points at effects to undo when a rejection is kept', () => {
		const { doc: a, by } = assembly(0);
		const { id, van } = proposeWithAllocations(a, by);
		const b = new Y.Doc();
		syncDocs(a, b);
		const rejected = closeDecision(b, id, { outcome: 'rejected', statement: 'Non' }, by, T0 + 50);
		expect(rejected.ok && rejected.effects).toEqual([]);
		expect(applyAllocations(b, id, by)).toEqual({ ok: false, reason: 'not_adopted' });
		adoptDecision(a, id, { statement: 'Oui' }, by, T0 + 60);
		syncDocs(a, b);
		const booking = getBooking(b, allocationBookingId(id, getDecision(b, id)!.allocations[1]!.id));
		expect(booking?.resourceId).toBe(van);
		if (!rejected.ok) return;
		const resolved = resolveClosing(b, id, rejected.closingId, by, T0 + 70);
		expect(resolved.ok && resolved.executedWithoutAdoption.map((x) => x.effect.kind)).toEqual(['money', 'booking', 'close_need']);
	});
});
