/**
 * Replicas that edit one decision offline, in random order, meeting in
 * random pairs, must end with identical results, ledger and bookings.
 * Seeded, so that a failure can be replayed.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { listBookings } from '../bookings/bookings';
import { addAllocation } from './allocations';
import { applyAllocations, closeDecision } from './closings';
import { decisionResults } from './results';
import { assembly, propose, T0 } from './testing';
import { getDecision, takePosition } from './decisions';
import { createFund } from '../money/funds';
import type { MemberId } from '../core/ids';
import { listEntries } from '../money/ledger';
import { addResource } from '../inventory/resources';
import { recordTally, voidTally } from './tallies';
import { syncDocs } from '../space/testing';

function mulberry32(seed: number): () => number {
	let a = seed;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const CHOICES = ['yes', 'no', 'abstain'] as const;
const OUTCOMES = ['adopted', 'adopted', 'rejected', 'withdrawn'] as const;

function run(seed: number) {
	const random = mulberry32(seed);
	const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
	const { doc: origin, by, members } = assembly(5);
	const fund = createFund(origin, { name: 'Caisse', kind: 'cash', currency: 'EUR' }, by, T0 - 1);
	const van = addResource(origin, { kind: 'vehicle', name: 'Camionnette' }, by, T0 - 1);
	const id = propose(origin, by, { process: 'vote', quorum: 3 });
	const replicas = [origin];
	for (let i = 0; i < 3; i++) {
		const d = new Y.Doc();
		syncDocs(origin, d);
		replicas.push(d);
	}
	for (let step = 0; step < 90; step++) {
		const doc = pick(replicas);
		const who: MemberId = pick(members);
		// Half steps share their millisecond with a neighbour, so ties are exercised.
		const now = T0 + 10 + Math.floor(step / 2);
		const roll = random();
		if (roll < 0.3) takePosition(doc, id, { choice: pick(CHOICES) }, who, now);
		else if (roll < 0.45) {
			const present = members.filter(() => random() < 0.5);
			const hands = present.map((memberId) => ({ memberId, choice: pick(CHOICES) }));
			const guests = Math.floor(random() * 3);
			if (hands.length > 0 || guests > 0) recordTally(doc, id, { hands, anonymous: { [pick(CHOICES)]: guests } }, who, now);
		} else if (roll < 0.5) {
			const live = getDecision(doc, id)!.tallies.filter((t) => t.voidedAt === null);
			if (live.length > 0) voidTally(doc, id, pick(live).id, who, now);
		} else if (roll < 0.6) {
			const effect =
				random() < 0.5
					? ({ kind: 'money', fundId: fund, amount: 100 + step, currency: 'EUR' } as const)
					: ({ kind: 'booking', resourceId: van, start: now, end: now + 3_600_000, to: { kind: 'member', memberId: who } } as const);
			addAllocation(doc, id, effect, who, now);
		} else if (roll < 0.66) {
			// Closings come late, so that the open phase has time to diverge.
			if (step >= 50) closeDecision(doc, id, { outcome: pick(OUTCOMES), statement: pick(['', 'Décidé en AG']) }, who, now);
		} else if (roll < 0.7) applyAllocations(doc, id, who, now);
		else if (roll < 0.82) syncDocs(pick(replicas), pick(replicas));
		// Otherwise the step passes with every device offline and idle.
	}
	for (let round = 0; round < 2; round++) for (const a of replicas) for (const b of replicas) if (a !== b) syncDocs(a, b);
	return { replicas, id };
}

describe('decisions converge', () => {
	for (const seed of [1, 2, 3, 42, 1234, 99_999]) {
		it(`gives identical results, ledger and bookings on every replica (seed ${seed})`, () => {
			const { replicas, id } = run(seed);
			const [first, ...rest] = replicas.map((doc) => ({
				results: decisionResults(doc, id, '2027-01-15'),
				ledger: listEntries(doc).items,
				bookings: listBookings(doc).items
			}));
			for (const other of rest) expect(other).toEqual(first);
			const decision = first!.results!.decision;
			// However many devices adopted, each money allocation paid at most once.
			const keys = first!.ledger.map((e) => e.allocationKey);
			expect(new Set(keys).size).toBe(keys.length);
			expect(first!.ledger.length).toBeLessThanOrEqual(decision.allocations.filter((a) => a.effect.kind === 'money').length);
			expect(first!.bookings.length).toBeLessThanOrEqual(decision.allocations.filter((a) => a.effect.kind === 'booking').length);
			// No member counts twice.
			const counted = first!.results!.answers.map((a) => a.memberId);
			expect(new Set(counted).size).toBe(counted.length);
		});
	}
});
