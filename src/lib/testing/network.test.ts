import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { newId } from '../domain/core/ids';
import { applyRandomTests, assertConverged, createNetwork, withNetwork, type Operation } from './network';
import { int, iterations, pick, replay, seeds, shuffle, string, generator, ITERATIONS_VARIABLE, SEED_VARIABLE } from './random';

/** Edits of the three kinds of structure the domain uses, at random places. */
const operations: Operation[] = [
	(doc, gen) => {
		const list = doc.getArray<number>('list');
		list.insert(int(gen, 0, list.length), [int(gen, 0, 1000)]);
	},
	(doc, gen) => {
		const list = doc.getArray<number>('list');
		if (list.length > 0) list.delete(int(gen, 0, list.length - 1), 1);
	},
	(doc, gen) => doc.getMap<string>('map').set(pick(gen, ['a', 'b', 'c', 'd']), string(gen, 0, 8)),
	(doc, gen) => {
		const map = doc.getMap<string>('map');
		const key = pick(gen, ['a', 'b', 'c', 'd']);
		if (map.has(key)) map.delete(key);
	},
	(doc, gen) => {
		const text = doc.getText('text');
		text.insert(int(gen, 0, text.length), string(gen, 1, 5));
	},
	(doc, gen, replica, step) => {
		const nested = new Y.Map<number>();
		nested.set('step', step);
		nested.set('by', replica);
		doc.getArray<Y.Map<number>>('nested').push([nested]);
	}
];

/** Edits that reach every replica before the check, so that a check can fail only on its own grounds. */
function edited(seed: number) {
	const network = createNetwork(3, seed);
	network.flushAll();
	applyRandomTests(network, operations, 30);
	network.syncAll();
	return network;
}

const environment = { ...process.env };
afterEach(() => {
	for (const name of [SEED_VARIABLE, ITERATIONS_VARIABLE, 'PASSERELLE_RUNS']) {
		if (environment[name] === undefined) delete process.env[name];
		else process.env[name] = environment[name];
	}
});

describe('network of replicas', () => {
	for (const seed of seeds([1, 2, 3, 4, 5])) {
		it(`converges after random edits, partial flushes, cuts and reconnections (seed ${seed})`, () => {
			withNetwork(4, seed, (network) => {
				applyRandomTests(network, operations, 400);
				const { stats } = network;
				// The run mixed every kind of sync, and lost messages on the way.
				expect(stats.partialFlushes).toBeGreaterThan(0);
				expect(stats.disconnects).toBeGreaterThan(0);
				expect(stats.reconnects).toBeGreaterThan(0);
				const list = assertConverged(network, { project: (doc) => doc.getArray('list').toArray() });
				expect(Array.isArray(list)).toBe(true);
			});
		});
	}

	it('gives every replica a client id fixed by the seed, and replays a run exactly', () => {
		const run = (seed: number) =>
			withNetwork(3, seed, (network) => {
				applyRandomTests(network, operations, 120);
				// Before the final sync: the very interleaving is the same, not only the outcome.
				const before = network.docs.map((doc) => Y.encodeStateAsUpdate(doc));
				assertConverged(network);
				return { ids: network.docs.map((doc) => doc.clientID), before, stats: { ...network.stats } };
			});
		const first = run(7);
		expect(run(7)).toEqual(first);
		expect(run(8).ids).not.toEqual(first.ids);
		expect(new Set(first.ids).size).toBe(3);
	});

	it('delivers from one replica to one other only what was sent on that link, in order', () => {
		const network = createNetwork(3, 11);
		network.flushAll();
		network.docs[0]!.getArray<number>('list').push([1]);
		network.docs[0]!.getArray<number>('list').push([2]);
		expect(network.pending(0, 1)).toBe(2);
		expect(network.pending(0, 2)).toBe(2);
		expect(network.flushOne(0, 1)).toBe(2);
		expect(network.docs[1]!.getArray('list').toArray()).toEqual([1, 2]);
		expect(network.docs[2]!.getArray('list').toArray()).toEqual([]);
		expect(network.deliverOne(0, 2)).toBe(true);
		expect(network.docs[2]!.getArray('list').toArray()).toEqual([1]);
	});

	it('loses what was on its way to a replica that goes offline, and repairs it on reconnection', () => {
		const network = createNetwork(3, 12);
		network.flushAll();
		network.docs[0]!.getMap('map').set('a', 'avant');
		network.disconnect(1);
		expect(network.pending(undefined, 1)).toBe(0);
		expect(network.stats.lost).toBe(1);
		// Offline, a replica's edits stay at home.
		network.docs[1]!.getMap('map').set('b', 'hors ligne');
		expect(network.pending(1)).toBe(0);
		network.flushAll();
		expect(network.docs[1]!.getMap('map').toJSON()).toEqual({ b: 'hors ligne' });
		expect(network.docs[2]!.getMap('map').toJSON()).toEqual({ a: 'avant' });
		network.reconnect(1);
		network.flushAll();
		for (const doc of network.docs) expect(doc.getMap('map').toJSON()).toEqual({ a: 'avant', b: 'hors ligne' });
	});
});

describe('the convergence check', () => {
	it('catches a message lost while the link stayed up', () => {
		const network = createNetwork(3, 21);
		network.flushAll();
		const list = network.docs[0]!.getArray<number>('list');
		list.push([1]);
		list.push([2]);
		expect(network.loseOne(0, 1)).toBe(true);
		expect(() => assertConverged(network)).toThrow(/Replica 1 holds updates waiting for one it never received[\s\S]*PASSERELLE_SEED=21/);
	});

	it('catches a lost message that nothing later depends on, by the state vectors', () => {
		const network = createNetwork(2, 22);
		network.flushAll();
		network.docs[0]!.getMap('map').set('a', 'perdu');
		network.loseOne(0, 1);
		expect(() => assertConverged(network)).toThrow(/state vector of replica 1[\s\S]*PASSERELLE_SEED=22/);
	});

	it('catches a projection that differs between replicas', () => {
		const network = edited(23);
		expect(() => assertConverged(network, { project: (doc, replica) => ({ list: doc.getArray('list').length, replica }) })).toThrow(
			/projection of replica 1[\s\S]*PASSERELLE_SEED=23/
		);
		// The same projection without what is local to a replica passes.
		expect(assertConverged(network, { project: (doc) => ({ list: doc.getArray('list').length }) })).toEqual({
			list: network.docs[0]!.getArray('list').length
		});
	});

	it('catches a write that one replica never sent, though the projection agrees', () => {
		const network = createNetwork(2, 24);
		network.flushAll();
		// A write applied with the network as origin is not sent: one replica alone holds it.
		network.docs[1]!.transact(() => network.docs[1]!.getMap('map').set('seul', 'ici'), network);
		expect(() => assertConverged(network, { project: () => 'pareil' })).toThrow(/state vector of replica 1/);
	});

	it('runs the caller’s invariants and names the seed when one fails', () => {
		const network = edited(25);
		expect(() =>
			assertConverged(network, {
				project: (doc) => doc.getArray<number>('list').toArray(),
				invariants: (list) => expect(list.length).toBeLessThan(0)
			})
		).toThrow(/expected \d+ to be less than 0[\s\S]*PASSERELLE_SEED=25/);
	});

	it('names the seed when an operation throws', () => {
		const network = createNetwork(2, 26);
		expect(() =>
			applyRandomTests(
				network,
				[
					() => {
						throw new Error('opération cassée');
					}
				],
				1
			)
		).toThrow(/opération cassée\n\(seed 26: replay with PASSERELLE_SEED=26\)/);
	});
});

/** A count of list items kept from document events, as a view kept in step with the document is. */
function keptCount(doc: Y.Doc, { ownEditsOnly = false } = {}): () => number {
	let count = 0;
	doc.getArray('list').observe((event) => {
		// The mistake to catch: forgetting what arrives from other replicas.
		if (ownEditsOnly && !event.transaction.local) return;
		for (const change of event.changes.delta) count += (change.insert?.length ?? 0) - (change.delete ?? 0);
	});
	return () => count;
}

describe('views kept from events', () => {
	it('equal the recomputation on every replica after every step and at the end', () => {
		withNetwork(3, 31, (network) => {
			const kept = network.docs.map((doc) => keptCount(doc));
			const same = (doc: Y.Doc, replica: number) => expect(kept[replica]!()).toBe(doc.getArray('list').length);
			applyRandomTests(network, operations, 300, { afterStep: () => network.docs.forEach(same) });
			assertConverged(network, { eachReplica: same });
		});
	});

	it('are caught during the run when they miss what arrives from other replicas', () => {
		const network = createNetwork(3, 32);
		const kept = network.docs.map((doc) => keptCount(doc, { ownEditsOnly: true }));
		const same = (doc: Y.Doc, replica: number) => expect(kept[replica]!(), `replica ${replica}`).toBe(doc.getArray('list').length);
		expect(() => applyRandomTests(network, operations, 300, { afterStep: () => network.docs.forEach(same) })).toThrow(
			/replica \d[\s\S]*PASSERELLE_SEED=32/
		);
	});

	it('are caught at the end when only the converged replicas are checked', () => {
		const network = createNetwork(3, 33);
		const kept = network.docs.map((doc) => keptCount(doc, { ownEditsOnly: true }));
		applyRandomTests(network, operations, 300);
		expect(() => assertConverged(network, { eachReplica: (doc, replica) => expect(kept[replica]!()).toBe(doc.getArray('list').length) })).toThrow(
			/PASSERELLE_SEED=33/
		);
	});
});

describe('seeded generator', () => {
	it('draws the same values from the same seed', () => {
		const draw = (seed: number) => {
			const gen = generator(seed);
			return [int(gen, 0, 1_000_000), string(gen, 0, 30), shuffle(gen, [1, 2, 3, 4, 5, 6]), pick(gen, ['a', 'b', 'c'])];
		};
		expect(draw(5)).toEqual(draw(5));
		expect(draw(5)).not.toEqual(draw(6));
	});

	it('draws whole numbers within both bounds, and shuffles into a permutation', () => {
		const gen = generator(9);
		const seen = new Set<number>();
		for (let n = 0; n < 500; n++) seen.add(int(gen, -2, 2));
		expect([...seen].sort()).toEqual([-1, -2, 0, 1, 2]);
		const items = Array.from({ length: 50 }, (_, n) => n);
		const shuffled = shuffle(gen, items);
		expect(shuffled).not.toEqual(items);
		expect([...shuffled].sort((a, b) => a - b)).toEqual(items);
		expect([...string(gen, 3, 3)]).toHaveLength(3);
		expect(() => int(gen, 2, 1)).toThrow(RangeError);
		expect(() => pick(gen, [])).toThrow(RangeError);
	});

	it('replays one seed from the environment, and adds fresh ones on request', () => {
		expect(seeds([1, 2])).toEqual([1, 2]);
		process.env['PASSERELLE_RUNS'] = '4';
		const more = seeds([1, 2]);
		expect(more.slice(0, 2)).toEqual([1, 2]);
		expect(more).toHaveLength(4);
		process.env[SEED_VARIABLE] = '1234';
		expect(seeds([1, 2])).toEqual([1234]);
		process.env[SEED_VARIABLE] = 'douze';
		expect(() => seeds([1])).toThrow(/PASSERELLE_SEED must be a whole number/);
		expect(iterations(50)).toBe(50);
		process.env[ITERATIONS_VARIABLE] = '5000';
		expect(iterations(50)).toBe(5000);
	});

	it('seeds the ids the domain draws during a run, and only during it', () => {
		const ids = (seed: number) => replay(seed, () => [newId<'member'>(), newId<'member'>()]);
		expect(ids(3)).toEqual(ids(3));
		expect(ids(3)).not.toEqual(ids(4));
		expect(newId()).not.toEqual(newId());
		expect(newId()).not.toEqual(ids(3)[0]);
		expect(() => replay(3, () => Promise.resolve())).toThrow(/synchronous/);
	});
});
