import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyRandomTests, withNetwork } from '../../testing/network';
import { int, iterations, pick, seeds } from '../../testing/random';
import { readInOrder } from './kept-order';
import { readEntities, resourcesMap, ResourceSchema, type Resource } from './schema';
import { compareIds, compareNames } from './order';

const byName = (a: Resource, b: Resource) => compareNames(a.name, b.name) || a.createdAt - b.createdAt || compareIds(a.id, b.id);
const NAMES = ['Perceuse', 'perceuse', 'Établi', 'Salle 2', 'Salle 10', 'Marmite', 'Camionnette', 'Louche'];
const KEYS = Array.from({ length: 12 }, (_, i) => `resource-key-${String(i).padStart(4, '0')}`);
const member = 'member-key-000000001';

function write(doc: Y.Doc, key: string, name: string, at: number): void {
	const resource = new Y.Map<unknown>();
	for (const [field, value] of Object.entries({ id: key, kind: 'equipment', name, createdAt: at, createdBy: member, updatedAt: at, updatedBy: member })) resource.set(field, value);
	resourcesMap(doc).set(key, resource);
}

/** What a fresh reading gives: every readable entry, sorted. */
function fresh(doc: Y.Doc) {
	const { items, unreadable } = readEntities(resourcesMap(doc), ResourceSchema);
	return { items: [...items].sort(byName).map((r) => r.id), unreadable };
}

function kept(doc: Y.Doc) {
	const { items, unreadable } = readInOrder(resourcesMap(doc), ResourceSchema, byName);
	return { items: items.map((r) => r.id), unreadable };
}

describe('entities kept in order', () => {
	for (const seed of seeds([11, 12, 13, 14, 15, 16])) {
		it(`equal a fresh sorted reading on every replica after every step (seed ${seed})`, () => {
			withNetwork(3, seed, (network) => {
				const operations = [
					// A new entity, or one replaced by another under the same key.
					(doc: Y.Doc, gen: Parameters<typeof pick>[0], _r: number, step: number) => write(doc, pick(gen, KEYS), pick(gen, NAMES), step),
					// A rename in place: one field of the entity's map.
					(doc: Y.Doc, gen: Parameters<typeof pick>[0]) => {
						const entry = resourcesMap(doc).get(pick(gen, KEYS));
						if (entry instanceof Y.Map) entry.set('name', pick(gen, NAMES));
					},
					(doc: Y.Doc, gen: Parameters<typeof pick>[0]) => resourcesMap(doc).delete(pick(gen, KEYS)),
					// Entries that do not read: counted, never listed.
					(doc: Y.Doc, gen: Parameters<typeof pick>[0]) => resourcesMap(doc).set(pick(gen, KEYS), int(gen, 0, 9)),
					(doc: Y.Doc, gen: Parameters<typeof pick>[0]) => {
						const entry = resourcesMap(doc).get(pick(gen, KEYS));
						if (entry instanceof Y.Map) entry.set('name', '');
					},
					// Several changes in one transaction.
					(doc: Y.Doc, gen: Parameters<typeof pick>[0], _r: number, step: number) =>
						doc.transact(() => {
							write(doc, pick(gen, KEYS), pick(gen, NAMES), step);
							resourcesMap(doc).delete(pick(gen, KEYS));
						})
				];
				applyRandomTests(network, operations, iterations(150), {
					afterStep: (net) => {
						for (const doc of net.docs) expect(kept(doc)).toEqual(fresh(doc));
					}
				});
			});
		});
	}

	it('reads afresh inside a transaction, where changes have not been seen yet', () => {
		const doc = new Y.Doc();
		write(doc, KEYS[0]!, 'Perceuse', 1);
		expect(kept(doc).items).toEqual([KEYS[0]]);
		doc.transact(() => {
			write(doc, KEYS[1]!, 'Marmite', 2);
			expect(kept(doc).items).toEqual([KEYS[1], KEYS[0]]);
		});
		expect(kept(doc).items).toEqual([KEYS[1], KEYS[0]]);
	});
});
