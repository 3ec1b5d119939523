/**
 * Property: replicas that apply random operations from every aggregate while their links
 * come and go (partial syncs, cuts and reconnections in random order) end with identical
 * documents and identical derived views (balances, progress, tallies, dues, conflicts,
 * history), and no operation's effect is lost. Seeded, so that a failure can be replayed
 * (see src/lib/testing/random.ts).
 */
import { describe, expect, it } from 'vitest';
import { applyRandomTests, assertConverged, withNetwork, type Operation } from '../../testing/network';
import { iterations, seeds } from '../../testing/random';
import { listActivity } from '../core/activity';
import { everyView, spaceOperations, startingSpace } from './testing';

const REPLICAS = 3;
const STEPS = iterations(120);

describe('convergence of every aggregate', () => {
	for (const seed of seeds([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20])) {
		it(`ends identical on every replica, whatever the links do and the order updates arrive in (seed ${seed})`, () => {
			withNetwork(REPLICAS, seed, (network) => {
				const { doc: origin, members } = startingSpace();
				network.startFrom(origin);
				const baseActivity = listActivity(origin).items.length;
				// How many history records each operation appended where it ran.
				let appended = 0;
				const operations = spaceOperations(members).map((operation): Operation => (doc, gen, replica, step) => {
					const before = listActivity(doc).items.length;
					operation(doc, gen, replica, step);
					appended += listActivity(doc).items.length - before;
				});
				applyRandomTests(network, operations, STEPS);

				assertConverged(network, {
					project: everyView,
					invariants: (expected) => {
						// Nothing lost silently: every history record written anywhere is there.
						expect(expected.activity.items.length).toBe(baseActivity + appended);
						expect(expected.activity.unreadable).toBe(0);
					}
				});
			});
		});
	}
});
