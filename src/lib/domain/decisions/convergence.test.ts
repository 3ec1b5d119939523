/**
 * Replicas that edit one decision while their links come and go (partial syncs, cuts,
 * reconnections in random order) must end with identical results, ledger and bookings.
 * Seeded, so that a failure can be replayed (see src/lib/testing/random.ts).
 */
import { describe, expect, it } from 'vitest';
import { applyRandomTests, assertConverged, withNetwork, type Operation } from '../../testing/network';
import { bool, int, iterations, pick, seeds, subset } from '../../testing/random';
import { listBookings } from '../bookings/bookings';
import { addAllocation } from './allocations';
import { applyAllocations, closeDecision } from './closings';
import { decisionResults } from './results';
import { assembly, propose, T0 } from './testing';
import { getDecision, takePosition } from './decisions';
import { createFund } from '../money/funds';
import { created } from '../money/testing';
import { listEntries } from '../money/ledger';
import { addResource } from '../inventory/resources';
import { recordTally, voidTally } from './tallies';

const CHOICES = ['yes', 'no', 'abstain'] as const;
const OUTCOMES = ['adopted', 'adopted', 'rejected', 'withdrawn'] as const;
const REPLICAS = 4;
const STEPS = iterations(150);

function run(seed: number) {
	return withNetwork(REPLICAS, seed, (network) => {
		const { doc: origin, by, members } = assembly(5);
		const fund = created(createFund(origin, { name: 'Caisse', kind: 'cash', currency: 'EUR' }, by, T0 - 1));
		const van = created(addResource(origin, { kind: 'vehicle', name: 'Camionnette' }, by, T0 - 1));
		const id = propose(origin, by, { process: 'vote', quorum: 3 });
		network.startFrom(origin);

		// Half the steps share their millisecond with a neighbour, so ties are exercised.
		const at = (step: number) => T0 + 10 + Math.floor(step / 2);
		const position: Operation = (doc, gen, _replica, step) => takePosition(doc, id, { choice: pick(gen, CHOICES) }, pick(gen, members), at(step));
		const tally: Operation = (doc, gen, _replica, step) => {
			const hands = subset(gen, members).map((memberId) => ({ memberId, choice: pick(gen, CHOICES) }));
			const guests = int(gen, 0, 2);
			const anonymous = { [pick(gen, CHOICES)]: guests };
			if (hands.length > 0 || guests > 0) recordTally(doc, id, { hands, anonymous }, pick(gen, members), at(step));
		};
		const voidOne: Operation = (doc, gen, _replica, step) => {
			const live = getDecision(doc, id)!.tallies.filter((t) => t.voidedAt === null);
			if (live.length > 0) voidTally(doc, id, pick(gen, live).id, pick(gen, members), at(step));
		};
		const allocate: Operation = (doc, gen, _replica, step) => {
			const who = pick(gen, members);
			const now = at(step);
			const effect = bool(gen)
				? ({ kind: 'money', fundId: fund, amount: 100 + step, currency: 'EUR' } as const)
				: ({ kind: 'booking', resourceId: van, start: now, end: now + 3_600_000, to: { kind: 'member', memberId: who } } as const);
			addAllocation(doc, id, effect, who, now);
		};
		const close: Operation = (doc, gen, _replica, step) => {
			// Closings come late, so that the open phase has time to diverge.
			if (step >= STEPS * 0.55) closeDecision(doc, id, { outcome: pick(gen, OUTCOMES), statement: pick(gen, ['', 'Décidé en AG']) }, pick(gen, members), at(step));
		};
		const apply: Operation = (doc, gen, _replica, step) => applyAllocations(doc, id, pick(gen, members), at(step));

		// Weighted by repetition: positions most often, closings and applications rarely.
		applyRandomTests(network, [position, position, position, position, position, position, tally, tally, tally, voidOne, allocate, allocate, close, apply], STEPS);
		return assertConverged(network, {
			project: (doc) => ({
				results: decisionResults(doc, id, '2027-01-15'),
				ledger: listEntries(doc).items,
				bookings: listBookings(doc).items
			}),
			invariants: ({ results, ledger, bookings }) => {
				const decision = results!.decision;
				// However many devices adopted, each money allocation paid at most once.
				const keys = ledger.map((e) => e.allocationKey);
				expect(new Set(keys).size).toBe(keys.length);
				expect(ledger.length).toBeLessThanOrEqual(decision.allocations.filter((a) => a.effect.kind === 'money').length);
				expect(bookings.length).toBeLessThanOrEqual(decision.allocations.filter((a) => a.effect.kind === 'booking').length);
				// No member counts twice.
				const counted = results!.answers.map((a) => a.memberId);
				expect(new Set(counted).size).toBe(counted.length);
			}
		});
	});
}

describe('decisions converge', () => {
	for (const seed of seeds([1, 2, 3, 42, 1234, 99_999])) {
		it(`gives identical results, ledger and bookings on every replica, whatever the links do (seed ${seed})`, () => {
			expect(run(seed).results).not.toBeNull();
		});
	}
});
