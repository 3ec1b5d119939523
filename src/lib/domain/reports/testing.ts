/**
 * Random operations from every aggregate and every view the app shows, for tests that run
 * replicas of one space through random edits and syncs (see src/lib/testing/network.ts).
 */
import type * as Y from 'yjs';
import type { Operation } from '../../testing/network';
import { int, type Gen } from '../../testing/random';
import { listActivity } from '../core/activity';
import { fundBalances } from '../money/balances';
import { cancelBooking, confirmBooking, listBookings, requestBooking } from '../bookings/bookings';
import { listConflicts } from './conflicts';
import { resolveEditConflict } from './edit-conflicts';
import { editConflicts } from '../core/revisions';
import { adoptDecision, closeDecision } from '../decisions/closings';
import { decisionResults } from '../decisions/results';
import { createDecision, listDecisions, takePosition } from '../decisions/decisions';
import { duesStatus, recordDuesPayment, setDues } from '../money/dues';
import { createFund, listFunds } from '../money/funds';
import type { MemberId } from '../core/ids';
import { readLedger, recordEntry } from '../money/ledger';
import { reverseEntry } from '../money/ledger-corrections';
import { createNeed, readNeeds } from '../needs/needs';
import { addPledge, deliverPledge, listPledges, withdrawPledge } from '../needs/pledges';
import { listNeeds, needProgress } from '../needs/progress';
import { addResource, listResources, removeResource, updateResource } from '../inventory/resources';
import { DomainError } from '../core/schema';
import { joinSpace } from '../space/space';
import { recordTally } from '../decisions/tallies';
import { memberId, newSpace } from '../space/testing';
import { transparencyReport } from './transparency';
import { conflictsView, historyView, transparencyView } from './views';
import { bookingsView } from '../bookings/views';
import { inventoryView } from '../inventory/views';
import { membersView } from '../space/views';

export const T0 = new Date('2026-03-01T09:00:00').getTime();
export const TODAY = '2026-03-20';
const KINDS = 17;

/** One operation of a kind, with the numbers it draws: `a` picks the member, `b` the subject. */
type Op = { kind: number; a: number; b: number; amount: number };

function draw(gen: Gen, kind: number): Op {
	return { kind, a: int(gen, 0, 1000), b: int(gen, 0, 1000), amount: int(gen, 1, 20_000) };
}

/** A shared starting point: members, a cash box, a room, a need with a cap, an open vote. */
export function startingSpace(): { doc: Y.Doc; members: MemberId[] } {
	const { doc, by } = newSpace();
	const members = [by, memberId(), memberId()];
	members.slice(1).forEach((id, i) => joinSpace(doc, id, `Membre ${i + 2}`, T0 - 1000 + i));
	createFund(doc, { name: 'Caisse', kind: 'cash', currency: 'EUR' }, by, T0);
	addResource(doc, { kind: 'room', name: 'Salle' }, by, T0);
	createNeed(doc, { kind: 'money', title: 'Loyer', unit: 'EUR', target: 30_000, cap: 40_000 }, by, T0);
	createDecision(doc, { title: 'Repeindre', proposal: 'Le local', process: 'vote', quorum: 2, closesAt: T0 + 86_400_000 }, by, T0);
	return { doc, members };
}

function nth<T>(items: readonly T[], n: number): T | undefined {
	return items.length === 0 ? undefined : items[n % items.length];
}

/** Applies one operation on a replica; an operation refused by the domain writes nothing. */
function apply(doc: Y.Doc, op: Op, members: readonly MemberId[], step: number): void {
	const by = members[op.a % members.length]!;
	const now = T0 + step * 60_000;
	const date = new Date(now).toISOString().slice(0, 10);
	const fund = nth(listFunds(doc).items, 0)!;
	const need = nth(readNeeds(doc).items, op.b);
	const decision = nth(listDecisions(doc).items, op.b);
	try {
		switch (op.kind) {
			case 0:
				addResource(doc, { kind: 'equipment', name: `Outil ${op.b}` }, by, now);
				break;
			case 1: {
				const r = nth(listResources(doc).items, op.b);
				if (r) updateResource(doc, r.id, { location: `Étagère ${op.amount % 9}`, availability: op.amount % 2 ? 'in_use' : 'available' }, by, now);
				break;
			}
			case 2: {
				const r = nth(listResources(doc).items, op.b);
				if (r && r.kind !== 'room') removeResource(doc, r.id, by, now);
				break;
			}
			case 3:
				if (need) addPledge(doc, { needId: need.id, memberId: by, amount: op.amount }, by, now);
				break;
			case 4: {
				const p = nth(listPledges(doc).items, op.b);
				// Half the deliveries record their money in the fund, as the need page offers: two replicas delivering one pledge write one entry.
				const money = p && op.amount % 2 === 1 && readNeeds(doc).items.find((n) => n.id === p.needId)?.kind === 'money';
				if (p) deliverPledge(doc, p.id, { deliveredOn: date, fundId: money ? fund.id : null }, by, now);
				break;
			}
			case 5: {
				const p = nth(listPledges(doc).items, op.b);
				if (p) withdrawPledge(doc, p.id, { reason: 'plus possible' }, by, now);
				break;
			}
			case 6:
				recordEntry(doc, { fundId: fund.id, date, amount: op.amount, direction: op.b % 3 ? 'out' : 'in', category: op.b % 3 ? 'purchase' : 'donation' }, by, now);
				break;
			case 7: {
				const e = nth(readLedger(doc).items, op.b);
				if (e) reverseEntry(doc, e.id, by, 'erreur', now, { date });
				break;
			}
			case 8: {
				const room = listResources(doc).items.find((r) => r.kind === 'room');
				if (!room) break;
				const start = T0 + (op.b % 10) * 3_600_000;
				const requested = requestBooking(doc, { resourceId: room.id, start, end: start + 2 * 3_600_000, to: { kind: 'member', memberId: by } }, by, now);
				if (requested.ok) confirmBooking(doc, requested.id, by, now, { override: true });
				break;
			}
			case 9: {
				const booking = nth(listBookings(doc).items, op.b);
				if (booking) cancelBooking(doc, booking.id, by, now);
				break;
			}
			case 10:
				if (decision) takePosition(doc, decision.id, { choice: ['yes', 'no', 'abstain'][op.amount % 3]! }, by, now);
				break;
			case 11:
				if (decision) recordTally(doc, decision.id, { hands: [{ memberId: by, choice: op.amount % 2 ? 'yes' : 'no' }], anonymous: { yes: op.b % 4 } }, by, now);
				break;
			case 12:
				if (decision) {
					if (op.amount % 2) adoptDecision(doc, decision.id, { statement: `Adopté ${op.b}` }, by, now);
					else closeDecision(doc, decision.id, { outcome: 'rejected', statement: `Rejeté ${op.b}` }, by, now);
				}
				break;
			case 13:
				createDecision(
					doc,
					{ title: `Achat ${op.b}`, proposal: 'Matériel', process: 'consent', closesAt: now + 86_400_000, allocations: [{ kind: 'money', fundId: fund.id, amount: op.amount, currency: 'EUR', needId: need?.id }] },
					by,
					now
				);
				break;
			case 14:
				setDues(doc, op.b % 2 ? 'default' : by, { amount: 500 + (op.amount % 5) * 100, currency: 'EUR', period: 'monthly', start: '2026-01-01' }, by, now);
				break;
			case 15:
				recordDuesPayment(doc, { memberId: by, amount: op.amount, fundId: fund.id, date, note: '' }, by, now);
				break;
			case 16: {
				// Settles a field two replicas set apart: on one of the values kept, or on another.
				const conflict = nth(editConflicts(doc), op.b);
				const kept = conflict ? nth(conflict.values, op.amount) : undefined;
				if (conflict && kept) resolveEditConflict(doc, conflict, op.amount % 4 === 0 ? `Étagère ${op.amount % 7}` : kept.value, by, now);
				break;
			}
		}
	} catch (error) {
		// Invalid input for the current state is refused with a DomainError and writes nothing.
		if (!(error instanceof DomainError)) throw error;
	}
}

/** Every derived view the app shows, in a comparable form. */
export function everyView(doc: Y.Doc) {
	return {
		resources: listResources(doc, {}),
		removed: listResources(doc, { removed: true }),
		needs: listNeeds(doc, {}),
		progress: readNeeds(doc).items.map((n) => needProgress(doc, n.id, TODAY)),
		pledges: listPledges(doc),
		balances: fundBalances(doc),
		ledger: readLedger(doc),
		bookings: listBookings(doc),
		decisions: listDecisions(doc).items.map((d) => ({ ...decisionResults(doc, d.id, TODAY), executions: [...d.executions] })),
		dues: duesStatus(doc, TODAY),
		conflicts: listConflicts(doc, TODAY),
		transparency: transparencyReport(doc, '2026-01-01', '2026-12-31'),
		activity: listActivity(doc),
		inventoryPage: inventoryView(doc, {}, TODAY),
		bookingsPage: bookingsView(doc, { resourceId: null, from: null }),
		conflictsPage: conflictsView(doc, TODAY),
		historyPage: historyView(doc, { subjectKind: null, by: null, from: null, to: null }),
		transparencyPage: transparencyView(doc, '2026-01-01', '2026-12-31'),
		membersPage: membersView(doc)
	};
}

/**
 * The seventeen kinds of operation, each on a random subject by a random member: resources,
 * pledges, ledger entries and reversals, bookings, positions, tallies, closings, new
 * decisions, dues and their payments, and settling a field edited on two replicas apart. `step` sets the clock, a minute per step.
 */
export function spaceOperations(members: readonly MemberId[]): Operation[] {
	return Array.from({ length: KINDS }, (_, kind): Operation => (doc, gen, _replica, step) => apply(doc, draw(gen, kind), members, step));
}
