/**
 * Needs, pledges, bookings and resources are made as one plain value, edits
 * writing the fields they change beside it, and leave out what their readers default (null,
 * empty texts, an open status, the update of an item never edited, the id
 * that is their key). Documents written before hold every field under its
 * own key: both shapes must read, edit and mark the same, and the new one
 * must be smaller.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { MemberId } from '../core/ids';
import { bookingsMap, needsMap, pledgesMap, readEntity, resourcesMap, ResourceSchema } from '../core/schema';
import { cancelBooking, confirmBooking, listBookings, requestBooking, restoreBooking } from '../bookings/bookings';
import { bookingsView } from '../bookings/views';
import { addResource, listResources, removeResource, restoreResource, updateResource } from '../inventory/resources';
import { inventoryView } from '../inventory/views';
import { fund, replica } from '../money/testing';
import { created, newSpace, syncDocs } from '../space/testing';
import { editConflicts } from '../core/revisions';
import { storedValue } from '../reports/edit-conflicts';
import { createNeed, markNeedMet, readNeeds, reopenNeed, updateNeed } from './needs';
import { PledgeSchema } from './pledge';
import { editPledge, undoPledgeMark } from './pledge-corrections';
import { addPledge, deliverPledge, listPledges, withdrawPledge } from './pledges';
import { at } from './testing';
import { needPageView, needsListView } from './views';

/** The schemas the pages read each collection through; needs and bookings are read through their own functions. */
const readers: [(doc: Y.Doc) => Y.Map<unknown>, (key: string, value: unknown) => object | undefined][] = [
	[resourcesMap, (key, value) => readEntity(key, value, ResourceSchema)],
	[pledgesMap, (key, value) => readEntity(key, value, PledgeSchema)],
	[needsMap, (key) => readNeedsById.get(key)],
	[bookingsMap, (key) => readBookingsById.get(key)]
];
let readNeedsById = new Map<string, object>();
let readBookingsById = new Map<string, object>();

/** Rewrites every entity of `doc` with each field of its reading under its own key, as they were written before. */
function inFullShape(doc: Y.Doc): void {
	readNeedsById = new Map(readNeeds(doc).items.map((n) => [n.id, n]));
	readBookingsById = new Map(listBookings(doc).items.map(({ status: _, ...b }) => [b.id, b]));
	const rewrites: [Y.Map<unknown>, string, object][] = [];
	for (const [collection, read] of readers) {
		for (const [key, value] of collection(doc).entries()) {
			const reading = read(key, value);
			if (reading) rewrites.push([collection(doc), key, reading]);
		}
	}
	doc.transact(() => {
		for (const [collection, key, reading] of rewrites) {
			const full = new Y.Map<unknown>();
			for (const [field, value] of Object.entries(reading)) full.set(field, value);
			collection.set(key, full);
		}
	});
}

const DAY = 86_400_000;

function space() {
	const { doc, by } = newSpace();
	const box = fund(doc, by);
	const van = created(addResource(doc, { kind: 'vehicle', name: 'Camionnette' }, by, at('2026-03-01')));
	const rice = created(
		addResource(
			doc,
			{ kind: 'food', name: 'Riz', description: 'Bio', quantity: 12, unit: 'kg', location: 'Cave', expiresOn: '2026-04-01', availability: 'in_use' },
			by,
			at('2026-03-01')
		)
	);
	const rent = createNeed(doc, { kind: 'money', title: 'Loyer', unit: 'EUR', target: 100_000, cap: 150_000, deadline: '2026-06-30', description: 'Avril' }, by, at('2026-03-01'));
	const hours = createNeed(doc, { kind: 'time', title: 'Chantier', unit: 'h', target: 40 }, by, at('2026-03-01'));
	const mine = created(addPledge(doc, { needId: rent, memberId: by, amount: 10_000 }, by, at('2026-03-02')));
	const outside = created(
		addPledge(doc, { needId: rent, memberId: null, supporterName: 'Syndicat', amount: 20_000, note: 'Si le vote passe', condition: { threshold: 50_000, by: '2026-05-01' } }, by, at('2026-03-02'))
	);
	const lend = created(addPledge(doc, { needId: hours, memberId: by, amount: 4, resourceId: van }, by, at('2026-03-02')));
	const start = at('2026-03-10');
	const asked = created(requestBooking(doc, { resourceId: van, start, end: start + DAY, to: { kind: 'member', memberId: by } }, by, at('2026-03-03')));
	const noted = created(requestBooking(doc, { resourceId: van, start: start + 2 * DAY, end: start + 3 * DAY, to: { kind: 'collective', name: 'Voisins' }, note: 'Déménagement' }, by, at('2026-03-03')));
	return { doc, by, box, van, rice, rent, hours, mine, outside, lend, asked, noted };
}

type Space = ReturnType<typeof space>;

/** What the pages show of everything, for comparing two documents. */
function shown(doc: Y.Doc, s: Space) {
	const today = '2026-03-20';
	return {
		resources: listResources(doc),
		removed: listResources(doc, { removed: true }),
		inventory: inventoryView(doc, {}, today),
		needs: readNeeds(doc),
		needsList: needsListView(doc, today, { status: null, kind: null, search: '' }),
		rent: needPageView(doc, s.rent, today),
		hours: needPageView(doc, s.hours, today),
		pledges: listPledges(doc),
		bookings: listBookings(doc),
		bookingsView: bookingsView(doc, { resourceId: null, from: null })
	};
}

/** The same edits and marks on either shape, with the answers each gave. */
function edit(doc: Y.Doc, s: Space, by: MemberId) {
	const t = at('2026-03-15');
	return [
		updateResource(doc, s.van, { description: '', location: '', quantity: null, availability: 'available' }, by, t),
		updateResource(doc, s.van, { location: 'Cour' }, by, t + 1),
		updateResource(doc, s.rice, { description: 'Bio', quantity: 10 }, by, t + 2),
		removeResource(doc, s.rice, by, t + 3),
		restoreResource(doc, s.rice, by, t + 4),
		updateNeed(doc, s.hours, { description: '', deadline: null, cap: null }, by, t + 5),
		updateNeed(doc, s.hours, { description: 'Toiture', cap: 60 }, by, t + 6),
		updateNeed(doc, s.rent, { deadline: '2026-07-31' }, by, t + 7),
		markNeedMet(doc, s.hours, by, t + 8),
		reopenNeed(doc, s.hours, by, t + 9),
		deliverPledge(doc, s.mine, { fundId: s.box }, by, t + 10),
		withdrawPledge(doc, s.outside, { reason: 'Vote perdu' }, by, t + 11),
		undoPledgeMark(doc, s.outside, 'withdrawal', by, t + 12),
		editPledge(doc, s.outside, { note: '' }, by, t + 13),
		editPledge(doc, s.lend, { amount: 6 }, by, t + 14),
		confirmBooking(doc, s.asked, by, t + 15),
		cancelBooking(doc, s.noted, by, t + 16),
		restoreBooking(doc, s.noted, by, t + 17)
	];
}

function size(doc: Y.Doc, collection: (doc: Y.Doc) => Y.Map<unknown>): { v1: number; v2: number; items: number } {
	const alone = new Y.Doc();
	alone.transact(() => {
		for (const [key, value] of collection(doc).entries()) {
			const copy = new Y.Map<unknown>();
			for (const [field, x] of (value as Y.Map<unknown>).entries()) copy.set(field, x);
			collection(alone).set(key, copy);
		}
	});
	const items = [...alone.store.clients.values()].reduce((n, structs) => n + structs.length, 0);
	return { v1: Y.encodeStateAsUpdate(alone).length, v2: Y.encodeStateAsUpdateV2(alone).length, items };
}

describe('needs, pledges, bookings and resources, written field by field or packed', () => {
	it('read the same on every page', () => {
		const s = space();
		const old = replica(s.doc);
		inFullShape(old);
		expect((pledgesMap(old).get(s.mine) as Y.Map<unknown>).has('deliveredOn')).toBe(true);
		expect((pledgesMap(s.doc).get(s.mine) as Y.Map<unknown>).has('deliveredOn')).toBe(false);
		// A new item is one value; edits and marks come beside it, each field under its own key.
		for (const [collection, key] of [[pledgesMap, s.outside], [bookingsMap, s.asked], [resourcesMap, s.rice], [needsMap, s.rent]] as const) {
			expect([...(collection(s.doc).get(key) as Y.Map<unknown>).keys()]).toEqual(['f']);
		}
		expect(shown(old, s)).toEqual(shown(s.doc, s));
		expect(shown(s.doc, s).resources.items.find((r) => r.id === s.van)).toMatchObject({
			description: '',
			quantity: null,
			availability: 'available',
			fundId: null,
			removedAt: null,
			updatedAt: at('2026-03-01'),
			updatedBy: s.by
		});
		expect(readNeeds(s.doc).items.find((n) => n.id === s.hours)).toMatchObject({ status: 'open', description: '', cap: null, deadline: null, updatedBy: s.by });
		expect(listPledges(s.doc).items.find((p) => p.id === s.mine)).toMatchObject({ supporterName: '', note: '', conditionBy: null, withdrawReason: '', deliveredOn: null });
		expect(listBookings(s.doc).items.find((b) => b.id === s.asked)).toMatchObject({ note: '', confirmedAt: null, decisionId: null, status: 'requested' });
	});

	it('answer the same edits and marks the same way, and read the same after them', () => {
		const s = space();
		const old = replica(s.doc);
		inFullShape(old);
		const answers = edit(s.doc, s, s.by);
		expect(edit(old, s, s.by)).toEqual(answers);
		// Setting what is already the default changes nothing, stored or left out.
		expect(answers[0]).toEqual({ ok: true, changed: false });
		expect(answers[5]).toEqual({ ok: true, changed: [] });
		expect(answers.every((a) => a.ok)).toBe(true);
		expect(shown(old, s)).toEqual(shown(s.doc, s));
		expect(listPledges(s.doc).items.find((p) => p.id === s.mine)?.deliveredOn).toBe('2026-03-15');
		expect(readNeeds(s.doc).items.find((n) => n.id === s.hours)).toMatchObject({ description: 'Toiture', cap: 60, status: 'open' });
	});

	it('keep both of two offline edits of different fields of an item just made, and both values of one field as a conflict', () => {
		const s = space();
		const a = replica(s.doc);
		const b = replica(s.doc);
		const t = at('2026-03-15');
		expect(editPledge(a, s.outside, { note: 'Vote gagné' }, s.by, t).ok).toBe(true);
		expect(editPledge(b, s.outside, { amount: 25_000 }, s.by, t + 1).ok).toBe(true);
		expect(updateResource(a, s.rice, { location: 'Grenier' }, s.by, t).ok).toBe(true);
		expect(updateResource(b, s.rice, { location: 'Cuisine' }, s.by, t + 1).ok).toBe(true);
		expect(updateNeed(a, s.rent, { title: 'Loyer d’avril' }, s.by, t).ok).toBe(true);
		expect(updateNeed(b, s.rent, { description: 'Local' }, s.by, t + 1).ok).toBe(true);
		syncDocs(a, b);
		for (const d of [a, b]) {
			expect(listPledges(d).items.find((p) => p.id === s.outside)).toMatchObject({ note: 'Vote gagné', amount: 25_000, supporterName: 'Syndicat' });
			expect(readNeeds(d).items.find((n) => n.id === s.rent)).toMatchObject({ title: 'Loyer d’avril', description: 'Local', cap: 150_000 });
			const [conflict] = editConflicts(d).filter((c) => c.kind === 'resource');
			expect(conflict).toMatchObject({ entity: s.rice, field: 'location' });
			const shown = listResources(d).items.find((r) => r.id === s.rice)?.location;
			expect(storedValue(d, { kind: 'resource', entity: s.rice, field: 'location' })).toBe(shown);
			expect(storedValue(d, { kind: 'resource', entity: s.rice, field: 'unit' })).toBe('kg');
		}
	});

	it('take fewer bytes and fewer Yjs items per entity', () => {
		const s = space();
		const old = replica(s.doc);
		inFullShape(old);
		const figures: string[] = [];
		for (const [name, collection, bound] of [
			['resource', resourcesMap, 0.65],
			['need', needsMap, 0.7],
			['pledge', pledgesMap, 0.65],
			['booking', bookingsMap, 0.8]
		] as const) {
			const before = size(old, collection);
			const after = size(s.doc, collection);
			const count = collection(s.doc).size;
			figures.push(`${name} v2 ${Math.round(before.v2 / count)} → ${Math.round(after.v2 / count)} B, items ${before.items / count} → ${after.items / count}`);
			expect(after.v2, name).toBeLessThan(bound * before.v2);
			expect(after.v1, name).toBeLessThan(bound * before.v1);
			expect(after.items, name).toBeLessThan(0.2 * before.items);
		}
		console.info(figures.join('; '));
	});
});

