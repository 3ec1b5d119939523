/**
 * An entry of ten thousand nested maps, written by a member on another device
 * and received as an update: every reader counts it unreadable, or leaves it
 * aside, and its neighbours still read.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { listConflicts } from './conflicts';
import { listDecisions } from '../decisions/decisions';
import { listDues, setDues } from '../money/dues';
import { listFunds } from '../money/funds';
import { newId } from '../core/ids';
import { entry, fund } from '../money/testing';
import { readLedger } from '../money/ledger';
import { listBookings, requestBooking } from '../bookings/bookings';
import { propose } from '../decisions/testing';
import { moneyNeed, pledge } from '../needs/testing';
import { readNeeds } from '../needs/needs';
import { listPledges } from '../needs/pledges';
import { addResource, listResources } from '../inventory/resources';
import { plainValue } from '../core/schema';
import { listMembers, readSpaceMeta } from '../space/space';
import { created, newSpace, syncDocs } from '../space/testing';

const DEPTH = 10_000;

/** Sets `key` of `parent` to a chain of DEPTH nested maps, built level by level as a client could. */
function nest(parent: Y.Map<unknown>, key: string): void {
	let level = new Y.Map<unknown>();
	parent.set(key, level);
	for (let i = 1; i < DEPTH; i++) {
		const child = new Y.Map<unknown>();
		level.set('a', child);
		level = child;
	}
	level.set('a', 'bottom');
}

/** The victim's replica, with a hostile entry under `collection` written on another one. */
function attacked(collection: string, shape: 'whole' | 'field' = 'whole') {
	const { doc, by } = newSpace();
	const resourceId = created(addResource(doc, { kind: 'room', name: 'Grande salle' }, by, 1_000));
	const fundId = fund(doc, by);
	entry(doc, by, fundId);
	const needId = moneyNeed(doc, by);
	pledge(doc, needId, 5_000, by);
	propose(doc, by);
	requestBooking(doc, { resourceId, start: 10_000, end: 20_000, to: { kind: 'member', memberId: by } }, by, 2_000);
	setDues(doc, 'default', { amount: 1_000, currency: 'EUR', period: 'monthly', start: '2026-01-01' }, by, 3_000);

	const attacker = new Y.Doc();
	syncDocs(doc, attacker);
	const id = newId();
	attacker.transact(() => {
		const map = attacker.getMap(collection);
		if (shape === 'field') {
			// A well-formed entry whose name is the deep chain.
			const bad = new Y.Map<unknown>();
			map.set(id, bad);
			bad.set('id', id);
			nest(bad, 'name');
		} else nest(map, id);
	});
	syncDocs(attacker, doc);
	return { doc, by, id };
}

describe('an entry nested ten thousand levels deep', () => {
	it('overflows the stack of toJSON, and reads as plain data cut at a depth', () => {
		const { doc } = attacked('resources');
		expect(() => doc.getMap('resources').toJSON()).toThrow(RangeError);
		for (const [, value] of doc.getMap('resources').entries()) expect(() => plainValue(value)).not.toThrow();
	});

	it('is counted unreadable among resources, and the others still list', () => {
		for (const shape of ['whole', 'field'] as const) {
			const { doc } = attacked('resources', shape);
			const list = listResources(doc);
			expect(list.items.map((r) => r.name)).toEqual(['Grande salle']);
			expect(list.unreadable).toBe(1);
		}
	});

	it('is counted unreadable in every other collection', () => {
		const reads: Array<[string, (doc: Y.Doc) => { items: unknown[]; unreadable: number }]> = [
			['members', listMembers],
			['needs', readNeeds],
			['pledges', (doc) => listPledges(doc)],
			['funds', (doc) => listFunds(doc)],
			['ledger', readLedger],
			['bookings', (doc) => listBookings(doc)],
			['decisions', (doc) => listDecisions(doc)],
			['dues', listDues]
		];
		for (const [collection, read] of reads) {
			for (const shape of ['whole', 'field'] as const) {
				const { doc } = attacked(collection, shape);
				const result = read(doc);
				expect({ collection, shape, count: result.items.length, unreadable: result.unreadable }).toEqual({
					collection,
					shape,
					count: 1,
					unreadable: 1
				});
			}
		}
	});

	it('leaves conflicts readable when it sits among acknowledgements', () => {
		const { doc } = attacked('resolutions');
		expect(() => listConflicts(doc, '2026-03-01')).not.toThrow();
	});

	it('under meta, beside the name, leaves the space readable', () => {
		const { doc } = newSpace('Atelier des Lilas');
		const attacker = new Y.Doc();
		syncDocs(doc, attacker);
		attacker.transact(() => {
			nest(attacker.getMap('meta'), 'banner');
			nest(attacker.getMap('meta'), 'description');
		});
		syncDocs(attacker, doc);
		expect(readSpaceMeta(doc)).toMatchObject({ name: 'Atelier des Lilas', description: '' });
	});

	it('as the space name, makes the meta unreadable without throwing', () => {
		const { doc, by } = newSpace('Atelier des Lilas');
		const attacker = new Y.Doc();
		syncDocs(doc, attacker);
		attacker.transact(() => nest(attacker.getMap('meta'), 'name'));
		syncDocs(attacker, doc);
		expect(readSpaceMeta(doc)).toBeNull();
		expect(listMembers(doc).items.map((m) => m.id)).toEqual([by]);
	});
});
