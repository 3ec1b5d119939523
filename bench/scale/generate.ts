/**
 * A collective two years old, written with the domain's own functions into a
 * document, from one seeded generator: the same seed gives the same values
 * (ids and the clocks of the document differ from run to run).
 *
 * The large size is the one the scale targets are set for; the small one is a
 * hundredth of it, with at least a few of each thing, to see what grows with
 * the space and what does not.
 *
 * Writes go in batches inside one transaction (one update on the wire each)
 * and in the order of their dates, so the history interleaves as a real one
 * does. A write that reads a whole collection (confirming a booking, a pledge
 * toward a capped need, a delivery) runs alone: inside a transaction the
 * domain reads past its cache, and a batch of them would read the collection
 * hundreds of times over.
 */
import * as prng from 'lib0/prng';
import type * as Y from 'yjs';
import { newId, type DecisionId, type FundId, type MemberId, type NeedId, type PledgeId, type ResourceId, type BudgetLineId, type BookingId, type ResourceKind } from '../../src/lib/domain/core';
import { joinSpace } from '../../src/lib/domain/space';
import { addResource } from '../../src/lib/domain/inventory';
import { createFund, recordDuesPayment, recordEntry, setDues } from '../../src/lib/domain/money';
import { addPledge, closeNeed, createNeed, deliverPledge, markNeedMet, type NeedInput, type NeedKind } from '../../src/lib/domain/needs';
import { closeDecision, createDecision, takePosition } from '../../src/lib/domain/decisions';
import { cancelBooking, confirmBooking, requestBooking } from '../../src/lib/domain/bookings';
import { FIRST_NAMES, LAST_NAMES, THINGS, KIND_WEIGHTS, PLACES, SHOPS, PURCHASES, INCOMES, NEEDS, DECISIONS, REASONS, COLLECTIVES, DAY, weighted, isoDay, share } from './vocabulary';

export interface SpaceSize {
	members: number;
	resources: number;
	funds: number;
	entries: number;
	needs: number;
	pledges: number;
	decisions: number;
	positions: number;
	bookings: number;
}

export const SIZES: Record<'small' | 'large', SpaceSize> = {
	large: { members: 50, resources: 5000, funds: 10, entries: 20_000, needs: 300, pledges: 3000, decisions: 200, positions: 4000, bookings: 2000 },
	small: { members: 3, resources: 50, funds: 3, entries: 200, needs: 3, pledges: 30, decisions: 3, positions: 40, bookings: 20 }
};

export interface Generated {
	size: SpaceSize;
	/** Writes done, and the activity records they appended. */
	writes: number;
	activity: number;
	/** Resources in the inventory once every write is in (none is removed). */
	resources: number;
	/** The last resource written: once a replica shows it, it has every earlier write of this client. */
	lastResource: string;
	ms: number;
}

// ---------------------------------------------------------------------------
// Results: the domain's writes answer either with a value (an id) and throw
// when refused, or with `{ ok: true, … } | { ok: false, reason, … }`. Both are
// accepted, so that a write moving from one shape to the other breaks nothing.

type Refused = { ok: false; reason: string };

/** The answer of a write that was done; throws with the reason of one that was refused. */
export function unwrap<T>(result: T): Exclude<T, Refused> {
	if (typeof result === 'object' && result !== null && 'ok' in result && (result as { ok: unknown }).ok === false) {
		const { reason, ...details } = result as unknown as Refused;
		throw new Error(`write refused: ${reason} ${JSON.stringify(details)}`);
	}
	return result as Exclude<T, Refused>;
}

/** The id a write answered with, whatever its shape. */
export function idOf<I extends string>(result: I | { ok: true; id: I } | Refused): I {
	const value = unwrap(result);
	return typeof value === 'string' ? value : (value as { id: I }).id;
}

// ---------------------------------------------------------------------------
// The plan: every write with its date, then run in date order.

interface Write {
	at: number;
	/** Reads a whole collection: runs in its own transaction, where the domain's cache works. */
	alone?: boolean;
	run: () => void;
}

export interface GenerateOptions {
	seed?: number;
	/** Writes per transaction. */
	batch?: number;
	/** The last day of the space's history (ms); two years before it, it began. */
	end?: number;
	progress?: (message: string) => void;
}

/** Writes a collective of `size` into `doc`, whose space exists already (its meta written). */
export function generateSpace(doc: Y.Doc, size: SpaceSize, options: GenerateOptions = {}): Generated {
	const started = performance.now();
	const gen = prng.create(options.seed ?? 14);
	const end = options.end ?? Math.floor(Date.now() / DAY) * DAY - DAY;
	const start = end - 730 * DAY;
	const when = (from = start, to = end) => prng.int53(gen, from, to);
	const pick = <T>(items: readonly T[]): T => prng.oneOf(gen, items as T[]);
	const writes: Write[] = [];
	let activityBefore = 0;
	const activity = doc.getArray('activity');
	activityBefore = activity.length;

	// Members: the founders first, the others over the first year.
	const members: { id: MemberId; name: string; joined: number }[] = [];
	for (let i = 0; i < size.members; i++) {
		const name = `${FIRST_NAMES[i % FIRST_NAMES.length]} ${LAST_NAMES[(i * 7 + Math.floor(i / FIRST_NAMES.length)) % LAST_NAMES.length]}`;
		const joined = i < 3 ? start + i * 3_600_000 : when(start, start + 365 * DAY);
		const id = newId<'member'>();
		members.push({ id, name, joined });
		writes.push({ at: joined, run: () => joinSpace(doc, id, name, joined) });
	}
	const founder = members[0]!;
	/** A member who had joined by `at`. */
	const memberAt = (at: number) => {
		const present = members.filter((m) => m.joined <= at);
		return (present.length > 0 ? pick(present) : founder).id;
	};

	// Funds: a cash box and a bank account, then budgets with lines.
	const funds: { id?: FundId; kind: 'cash' | 'bank' | 'budget'; at: number; lines: BudgetLineId[] }[] = [];
	for (let i = 0; i < size.funds; i++) {
		const kind = i === 0 ? 'cash' : i === 1 ? 'bank' : 'budget';
		const at = start + DAY + i * 60_000;
		const fund: (typeof funds)[number] = { kind, at, lines: [] };
		funds.push(fund);
		const name = kind === 'cash' ? 'Caisse' : kind === 'bank' ? 'Compte courant' : `Budget ${['cantine', 'chantier', 'fête', 'solidarité', 'juridique', 'communication', 'formation', 'local'][(i - 2) % 8]}${i >= 10 ? ` ${i}` : ''}`;
		const lines = kind === 'budget' ? ['Achats', 'Services', 'Imprévus'].map((label) => ({ label, planned: prng.int53(gen, 10, 200) * 10_000 })) : [];
		writes.push({
			at,
			run: () => {
				const result = unwrap(createFund(doc, { name, kind, currency: 'EUR', description: '', lines }, founder.id, at));
				fund.id = result.id;
				fund.lines = result.lines;
			}
		});
	}

	// Dues: a default for everyone, a lower one for some, an exemption for a few.
	const duesStart = isoDay(start + 30 * DAY).slice(0, 8) + '01';
	const duesAt = start + 30 * DAY;
	writes.push({ at: duesAt, run: () => unwrap(setDues(doc, 'default', { amount: 1500, currency: 'EUR', period: 'monthly', start: duesStart }, founder.id, duesAt)) });
	members.forEach((m, i) => {
		if (i % 5 !== 1 && i % 11 !== 3) return;
		const amount = i % 11 === 3 ? 0 : 500;
		writes.push({ at: duesAt + i, run: () => unwrap(setDues(doc, m.id, { amount, currency: 'EUR', period: 'monthly', start: duesStart }, founder.id, duesAt + i)) });
	});

	// Resources. The last one is written last of all (see Generated.lastResource).
	const resources: { id?: ResourceId; kind: ResourceKind; name: string; at: number }[] = [];
	for (let i = 0; i < size.resources; i++) {
		const kind = weighted(gen, KIND_WEIGHTS);
		const thing = THINGS[kind];
		const last = i === size.resources - 1;
		const name = last ? `${pick(thing.names)} (dernier ajout)` : `${pick(thing.names)} n°${i + 1}`;
		const at = last ? end : when(start, end - DAY);
		const unit = pick(thing.units);
		const countable = kind === 'food' || kind === 'other' || kind === 'equipment' || kind === 'skill' || kind === 'fund';
		const quantity = countable ? (kind === 'food' ? prng.int53(gen, 1, 400) / 2 : prng.int53(gen, 1, 30)) : null;
		const expiresOn = kind === 'food' ? isoDay(at + prng.int53(gen, -30, 400) * DAY) : null;
		const availability = weighted(gen, [['available', 80], ['in_use', 12], ['out_of_order', 6], ['gone', 2]] as ['available' | 'in_use' | 'out_of_order' | 'gone', number][]);
		const description = prng.bool(gen) ? '' : `${pick(['Don de', 'Prêté par', 'Acheté chez', 'Récupéré chez'])} ${pick([...SHOPS, ...LAST_NAMES])}`;
		const location = pick(PLACES);
		const resource: (typeof resources)[number] = { kind, name, at };
		resources.push(resource);
		writes.push({
			at,
			run: () => {
				resource.id = idOf(
					addResource(doc, { kind, name, description, quantity, unit: quantity === null ? '' : unit, location, expiresOn, availability }, memberAt(at), at)
				);
			}
		});
	}
	const lastResource = resources[resources.length - 1]!.name;

	// Needs, then their pledges and deliveries.
	const needs: { id?: NeedId; kind: NeedKind; at: number; closeAt: number | null; capped: boolean; target: number; unit: string }[] = [];
	for (let i = 0; i < size.needs; i++) {
		const kind = weighted(gen, [['money', 30], ['goods', 35], ['time', 20], ['space', 10], ['other', 5]] as [NeedKind, number][]);
		const at = when(start, end - 30 * DAY);
		const unit = pick(NEEDS[kind].units);
		const target = kind === 'money' ? prng.int53(gen, 5, 500) * 10_000 : prng.int53(gen, 5, 200);
		const capped = i % 20 === 7;
		const closeAt = prng.int53(gen, 0, 9) < 2 ? at + prng.int53(gen, 30, 200) * DAY : null;
		const need: (typeof needs)[number] = { kind, at, closeAt: closeAt !== null && closeAt < end ? closeAt : null, capped, target, unit };
		needs.push(need);
		const title = `${pick(NEEDS[kind].titles)}${i >= NEEDS[kind].titles.length ? ` (${i + 1})` : ''}`;
		const deadline = prng.bool(gen) ? isoDay(at + prng.int53(gen, 15, 180) * DAY) : null;
		const input = { kind, title, description: '', deadline, unit, target, cap: capped ? target * 2 : null } as NeedInput;
		writes.push({ at, run: () => (need.id = idOf(createNeed(doc, input, memberAt(at), at))) });
		if (need.closeAt !== null) {
			const closeAt = need.closeAt;
			const met = prng.bool(gen);
			writes.push({ at: closeAt, run: () => unwrap(met ? markNeedMet(doc, need.id!, memberAt(closeAt), closeAt) : closeNeed(doc, need.id!, memberAt(closeAt), closeAt)) });
		}
	}
	for (let i = 0; i < size.pledges; i++) {
		const need = needs[i % needs.length]!;
		const until = need.closeAt ?? end;
		const at = prng.int53(gen, need.at + 60_000, Math.max(need.at + 60_000, until - 60_000));
		// Under the cap: a capped need takes at most its target twice over, in up to ten pledges.
		const amount =
			need.kind === 'money'
				? Math.max(100, Math.floor((need.target / 10) * (prng.int53(gen, 2, 10) / 10) / 100) * 100)
				: Math.max(1, Math.floor((need.target / 10) * (prng.int53(gen, 2, 10) / 10)));
		const outside = prng.int53(gen, 0, 9) === 0;
		const supporterName = outside ? `${pick(FIRST_NAMES)} ${pick(LAST_NAMES)}` : '';
		const note = prng.int53(gen, 0, 3) === 0 ? pick(['Je peux apporter ça samedi', 'Versement le mois prochain', 'À récupérer chez moi', 'Via la caisse']) : '';
		const delivered = prng.int53(gen, 0, 9) < 4 ? at + prng.int53(gen, 1, 20) * DAY : null;
		const pledge: { id?: PledgeId } = {};
		writes.push({
			at,
			alone: need.capped,
			run: () => {
				const memberId = outside ? null : memberAt(at);
				pledge.id = idOf(addPledge(doc, { needId: need.id!, memberId, supporterName, amount, note, resourceId: null, condition: null }, memberAt(at), at));
			}
		});
		if (delivered !== null && delivered < until && delivered < end) {
			writes.push({ at: delivered, alone: true, run: () => unwrap(deliverPledge(doc, pledge.id!, {}, memberAt(delivered), delivered)) });
		}
	}

	// Ledger: dues paid each month by most members, and the rest of the money's life.
	let entries = 0;
	const months = Math.floor((end - duesAt) / (30 * DAY));
	const duesBudget = Math.min(Math.floor(size.entries * 0.3), members.length * months);
	for (let i = 0; i < duesBudget; i++) {
		const m = members[i % members.length]!;
		const month = Math.floor(i / members.length);
		const at = Math.max(m.joined, duesAt) + month * 30 * DAY + prng.int53(gen, 0, 10) * DAY;
		if (at >= end) continue;
		const fund = funds[prng.int53(gen, 0, Math.min(1, funds.length - 1))]!;
		const amount = prng.int53(gen, 0, 9) === 0 ? 500 : 1500;
		entries++;
		writes.push({ at, run: () => unwrap(recordDuesPayment(doc, { memberId: m.id, amount, fundId: fund.id!, date: isoDay(at), note: '' }, memberAt(at), at)) });
	}
	const moneyNeeds = needs.filter((n) => n.kind === 'money');
	for (let i = entries; i < size.entries; i++) {
		const fundIndex = i % funds.length;
		const fund = funds[fundIndex]!;
		const at = when(fund.at + 60_000, end);
		const direction = prng.int53(gen, 0, 9) < 4 ? 'in' : 'out';
		const forNeed = direction === 'in' && moneyNeeds.length > 0 && prng.int53(gen, 0, 9) === 0 ? pick(moneyNeeds) : null;
		const need = forNeed && forNeed.at < at && (forNeed.closeAt === null || forNeed.closeAt > at) ? forNeed : null;
		const category = direction === 'in' ? (need ? 'donation' : weighted(gen, [['donation', 50], ['other', 50]] as ['donation' | 'other', number][])) : weighted(gen, [['purchase', 80], ['other', 20]] as ['purchase' | 'other', number][]);
		const amount = direction === 'in' ? prng.int53(gen, 5, 800) * 100 + prng.int53(gen, 0, 99) : prng.int53(gen, 1, 600) * 100 + prng.int53(gen, 0, 99);
		const counterparty = prng.int53(gen, 0, 2) === 0 ? null : { kind: 'outside' as const, name: pick(SHOPS) };
		const note = direction === 'in' ? pick(INCOMES) : pick(PURCHASES);
		const useLine = fund.kind === 'budget' && prng.bool(gen);
		const line = prng.int53(gen, 0, 2);
		writes.push({
			at,
			run: () =>
				unwrap(
					recordEntry(
						doc,
						{
							fundId: fund.id!,
							date: isoDay(at),
							amount,
							direction,
							category,
							counterparty,
							note,
							budgetLineId: useLine ? (fund.lines[line] ?? null) : null,
							needId: need?.id ?? null
						},
						memberAt(at),
						at
					)
				)
		});
	}

	// Decisions: most of them closed, with positions taken while they were open.
	for (let i = 0; i < size.decisions; i++) {
		const at = when(start, end - 20 * DAY);
		const closes = i % 4 !== 1 ? at + prng.int53(gen, 7, 30) * DAY : null;
		const closeAt = closes !== null && closes < end ? closes : null;
		const kind = weighted(gen, [['consent', 50], ['vote', 35], ['poll', 15]] as ['consent' | 'vote' | 'poll', number][]);
		const title = `${pick(DECISIONS)}${i >= DECISIONS.length ? ` (${i + 1})` : ''}`;
		const proposal = `Proposition discutée en AG du ${isoDay(at)}. ${pick(['Voir le compte rendu.', 'Le détail est au tableau.', ''])}`.trim();
		const closesAt = at + 14 * DAY;
		const input =
			kind === 'consent'
				? { process: 'consent' as const, title, proposal, closesAt }
				: kind === 'vote'
					? { process: 'vote' as const, title, proposal, closesAt, majority: prng.bool(gen) ? ('simple' as const) : ('two_thirds' as const), quorum: 5 }
					: { process: 'poll' as const, title, proposal, closesAt, options: ['Samedi', 'Dimanche', 'En semaine'], multiple: prng.bool(gen) };
		const decision: { id?: DecisionId } = {};
		writes.push({ at, run: () => (decision.id = idOf(createDecision(doc, input, memberAt(at), at))) });
		const positions = share(size.positions, size.decisions, i);
		const openUntil = (closeAt ?? end) - 60_000;
		for (let p = 0; p < positions; p++) {
			const posAt = prng.int53(gen, at + 60_000, Math.max(at + 60_000, openUntil));
			const roll = prng.int53(gen, 0, 19);
			const choice =
				kind === 'consent'
					? roll < 15 ? 'agree' : roll < 18 ? 'abstain' : roll < 19 ? 'disagree' : 'block'
					: kind === 'vote'
						? roll < 12 ? 'yes' : roll < 17 ? 'no' : 'abstain'
						: input.process === 'poll' && input.multiple
							? ['o1', 'o2', 'o3'].filter((_, k) => prng.bool(gen) || k === roll % 3)
							: `o${(roll % 3) + 1}`;
			const reason = choice === 'disagree' || choice === 'block' ? pick(REASONS) : '';
			writes.push({ at: posAt, run: () => unwrap(takePosition(doc, decision.id!, { choice, reason }, memberAt(posAt), posAt)) });
		}
		if (closeAt !== null) {
			const outcome = weighted(gen, [['adopted', 70], ['rejected', 20], ['withdrawn', 10]] as ['adopted' | 'rejected' | 'withdrawn', number][]);
			const statement = outcome === 'adopted' ? 'Adopté en AG.' : outcome === 'rejected' ? 'Rejeté, à revoir.' : 'Retiré par la personne qui l’a proposé.';
			writes.push({ at: closeAt, run: () => unwrap(closeDecision(doc, decision.id!, { outcome, statement }, memberAt(closeAt), closeAt)) });
		}
	}

	// Bookings of rooms, vehicles and equipment: half confirmed, a few cancelled.
	const bookable = resources.filter((r) => (r.kind === 'room' || r.kind === 'vehicle' || r.kind === 'equipment') && r.at < end - 3 * DAY).slice(0, Math.max(1, Math.ceil(size.bookings / 4)));
	if (bookable.length === 0 && size.bookings > 0) throw new Error('no bookable resource to book');
	for (let i = 0; i < size.bookings; i++) {
		const resource = bookable[i % bookable.length]!;
		const at = when(resource.at + 60_000, end - DAY);
		const slotStart = Math.floor((at + prng.int53(gen, 1, 60) * DAY) / 3_600_000) * 3_600_000 + 9 * 3_600_000;
		const slotEnd = slotStart + prng.int53(gen, 1, 48) * 3_600_000;
		const to = prng.int53(gen, 0, 9) === 0 ? { kind: 'collective' as const, name: pick(COLLECTIVES) } : null;
		const note = prng.int53(gen, 0, 3) === 0 ? pick(['Pour le chantier', 'Déménagement', 'Répétition', 'Réunion du CA']) : '';
		const fate = prng.int53(gen, 0, 19);
		const booking: { id?: BookingId } = {};
		writes.push({
			at,
			run: () => {
				const by = memberAt(at);
				booking.id = idOf(requestBooking(doc, { resourceId: resource.id!, start: slotStart, end: slotEnd, to: to ?? { kind: 'member', memberId: by }, note }, by, at));
			}
		});
		const decidedAt = at + prng.int53(gen, 1, 48) * 3_600_000;
		if (fate < 10 && decidedAt < end) {
			// Confirmed over an overlap too: a real calendar has them, and the conflicts page shows them.
			writes.push({ at: decidedAt, alone: true, run: () => unwrap(confirmBooking(doc, booking.id!, memberAt(decidedAt), decidedAt, { override: true })) });
		} else if (fate < 11 && decidedAt < end) {
			writes.push({ at: decidedAt, run: () => unwrap(cancelBooking(doc, booking.id!, memberAt(decidedAt), decidedAt)) });
		}
	}

	// In date order; a stable sort keeps a thing's creation before what follows it at the same instant.
	writes.sort((a, b) => a.at - b.at);
	const batch = options.batch ?? 200;
	let pending: Write[] = [];
	const flush = () => {
		if (pending.length === 0) return;
		const group = pending;
		pending = [];
		doc.transact(() => {
			for (const write of group) write.run();
		});
	};
	let done = 0;
	let reported = performance.now();
	for (const write of writes) {
		if (write.alone) {
			flush();
			write.run();
		} else {
			pending.push(write);
			if (pending.length >= batch) flush();
		}
		done++;
		if (options.progress && performance.now() - reported > 20_000) {
			reported = performance.now();
			options.progress(`${done} / ${writes.length} writes`);
		}
	}
	flush();
	return {
		size,
		writes: writes.length,
		activity: activity.length - activityBefore,
		resources: resources.length,
		lastResource,
		ms: performance.now() - started
	};
}
