import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	addResource,
	expiryStatus,
	getResource,
	listResources,
	removeResource,
	restoreResource,
	updateResource
} from './resources';
import { listActivity } from '../core/activity';
import { newId } from '../core/ids';
import { resourcesMap } from '../core/schema';
import { created, memberId, newSpace, syncDocs } from '../space/testing';

describe('resources', () => {
	it('adds every kind with its fields and records who added it', () => {
		const { doc, by } = newSpace();
		const id = created(addResource(
			doc,
			{ kind: 'food', name: ' Légumes ', quantity: 40, unit: 'kg', expiresOn: '2026-12-01', location: 'Cantine' },
			by,
			1000
		));
		const r = getResource(doc, id);
		expect(r).toMatchObject({
			kind: 'food',
			name: 'Légumes',
			quantity: 40,
			unit: 'kg',
			expiresOn: '2026-12-01',
			location: 'Cantine',
			availability: 'available',
			createdBy: by,
			updatedBy: by,
			updatedAt: 1000,
			removedAt: null
		});
		for (const kind of ['room', 'equipment', 'vehicle', 'skill', 'other'] as const) {
			addResource(doc, { kind, name: `A ${kind}` }, by);
		}
		expect(listResources(doc).items).toHaveLength(6);
		expect(listActivity(doc, { subjectId: id }).items).toMatchObject([
			{ action: 'resource.created', by, summary: 'Légumes', at: 1000 }
		]);
	});

	it('refuses invalid input with a clear error and writes nothing', () => {
		const { doc, by } = newSpace();
		const before = Y.encodeStateAsUpdate(doc);
		expect(addResource(doc, { kind: 'food', name: '   ' }, by)).toEqual({ ok: false, reason: 'invalid_field', field: 'name', problem: 'required', limit: null });
		expect(addResource(doc, { kind: 'food', name: 'Riz', quantity: -2 }, by)).toMatchObject({ reason: 'invalid_field', field: 'quantity', problem: 'too_small', limit: 0 });
		expect(addResource(doc, { kind: 'food', name: 'Riz', expiresOn: '31/12/2026' }, by)).toMatchObject({ field: 'expiresOn', problem: 'not_a_date' });
		expect(addResource(doc, { kind: 'food', name: 'x'.repeat(121) }, by)).toMatchObject({ field: 'name', problem: 'too_long', limit: 120 });
		// @ts-expect-error an unknown kind is a caller bug
		expect(addResource(doc, { kind: 'spaceship', name: 'X' }, by)).toMatchObject({ field: 'kind', problem: 'not_a_choice' });
		expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
	});

	it('edits only changed fields and records the last editor', () => {
		const { doc, by } = newSpace();
		const id = created(addResource(doc, { kind: 'equipment', name: 'Perceuse' }, by, 1000));
		const bob = memberId();
		updateResource(doc, id, { availability: 'in_use', location: 'Atelier 2' }, bob, 2000);
		expect(getResource(doc, id)).toMatchObject({
			name: 'Perceuse',
			availability: 'in_use',
			location: 'Atelier 2',
			updatedBy: bob,
			updatedAt: 2000,
			createdBy: by
		});
		updateResource(doc, id, { availability: 'in_use' }, by, 3000);
		expect(getResource(doc, id)?.updatedAt).toBe(2000);
	});

	it('refuses an edit of a resource someone removed meanwhile, and writes nothing', () => {
		const { doc: a, by } = newSpace();
		const id = created(addResource(a, { kind: 'equipment', name: 'Perceuse' }, by, 1000));
		const b = new Y.Doc();
		syncDocs(a, b);
		removeResource(b, id, memberId(), 2000);
		syncDocs(a, b);
		const before = Y.encodeStateAsUpdate(a);
		expect(updateResource(a, id, { location: 'Atelier' }, by, 3000)).toEqual({ ok: false, reason: 'removed' });
		expect(Y.encodeStateAsUpdate(a)).toEqual(before);
		expect(restoreResource(a, id, by, 4000)).toEqual({ ok: true });
		expect(updateResource(a, id, { location: 'Atelier' }, by, 5000)).toEqual({ ok: true, changed: true });
		expect(updateResource(a, id, { location: 'Atelier' }, by, 6000)).toEqual({ ok: true, changed: false });
	});

	it('keeps both sides of concurrent edits to different fields', () => {
		const { doc: a, by } = newSpace();
		const id = created(addResource(a, { kind: 'vehicle', name: 'Camionnette' }, by));
		const b = new Y.Doc();
		syncDocs(a, b);
		updateResource(a, id, { location: 'Parking' }, by);
		updateResource(b, id, { availability: 'out_of_order' }, memberId());
		syncDocs(a, b);
		for (const doc of [a, b]) {
			expect(getResource(doc, id)).toMatchObject({ location: 'Parking', availability: 'out_of_order' });
		}
	});

	it('removes by marking, hides from the list, and restores', () => {
		const { doc, by } = newSpace();
		const id = created(addResource(doc, { kind: 'room', name: 'Salle' }, by));
		removeResource(doc, id, by);
		expect(listResources(doc).items).toHaveLength(0);
		expect(listResources(doc, { removed: true }).items.map((r) => r.id)).toEqual([id]);
		restoreResource(doc, id, by);
		expect(listResources(doc).items.map((r) => r.id)).toEqual([id]);
		expect(listActivity(doc, { subjectId: id }).items.map((a) => a.action).sort()).toEqual([
			'resource.created',
			'resource.removed',
			'resource.restored'
		]);
		const gone = newId<'resource'>();
		expect(removeResource(doc, gone, by)).toEqual({ ok: false, reason: 'not_found' });
		expect(restoreResource(doc, gone, by)).toEqual({ ok: false, reason: 'not_found' });
		expect(updateResource(doc, gone, { name: 'X' }, by)).toEqual({ ok: false, reason: 'not_found' });
	});

	it('filters by kind and searches text without regard to case or accents', () => {
		const { doc, by } = newSpace();
		addResource(doc, { kind: 'food', name: 'Pâtes', location: 'Réserve' }, by);
		addResource(doc, { kind: 'equipment', name: 'Scie', description: 'à métaux' }, by);
		addResource(doc, { kind: 'equipment', name: 'Marteau' }, by);
		expect(listResources(doc, { kind: 'equipment' }).items.map((r) => r.name)).toEqual(['Marteau', 'Scie']);
		expect(listResources(doc, { search: 'METAUX' }).items.map((r) => r.name)).toEqual(['Scie']);
		expect(listResources(doc, { search: 'reserve' }).items.map((r) => r.name)).toEqual(['Pâtes']);
	});

	it('skips and counts entries that fail validation instead of crashing', () => {
		const { doc, by } = newSpace();
		addResource(doc, { kind: 'food', name: 'Pain' }, by);
		const map = resourcesMap(doc);
		// What a buggy or hostile client could write.
		map.set('garbage-1', 'not a map');
		const wrong = new Y.Map<unknown>();
		wrong.set('id', 'garbage-2-xxxxxxxxxxxx');
		wrong.set('kind', 'food');
		wrong.set('name', 42);
		map.set('garbage-2-xxxxxxxxxxxx', wrong);
		const mismatched = new Y.Map<unknown>();
		map.set('garbage-3-xxxxxxxxxxxx', mismatched);
		const result = listResources(doc);
		expect(result.items.map((r) => r.name)).toEqual(['Pain']);
		expect(result.unreadable).toBe(3);
	});

	it('flags food near or past its expiry date', () => {
		const today = '2026-11-27';
		expect(expiryStatus({ expiresOn: null }, today)).toBe('none');
		expect(expiryStatus({ expiresOn: '2026-11-26' }, today)).toBe('expired');
		expect(expiryStatus({ expiresOn: '2026-11-27' }, today)).toBe('soon');
		expect(expiryStatus({ expiresOn: '2026-11-30' }, today)).toBe('soon');
		expect(expiryStatus({ expiresOn: '2026-12-01' }, today)).toBe('ok');
	});
});
