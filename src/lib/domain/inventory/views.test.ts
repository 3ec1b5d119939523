import { describe, expect, it } from 'vitest';
import { addResource, removeResource, updateResource } from './resources';
import { inventoryView } from './views';
import { joinSpace } from '../space/space';
import { created, memberId, newSpace } from '../space/testing';

describe('inventory view', () => {
	it('lists what a filter keeps, sorted by name the same in every language, with expiry and last editor', () => {
		const { doc, by } = newSpace();
		const bob = memberId();
		joinSpace(doc, bob, 'Bob');
		created(addResource(doc, { kind: 'room', name: 'Salle 10' }, by, 1));
		created(addResource(doc, { kind: 'room', name: 'salle 2' }, by, 2));
		const veg = created(addResource(doc, { kind: 'food', name: 'Épinards', expiresOn: '2026-03-02' }, by, 3));
		const gone = created(addResource(doc, { kind: 'equipment', name: 'Scie' }, by, 4));
		updateResource(doc, veg, { quantity: 3, unit: 'kg' }, bob, 5);
		removeResource(doc, gone, by, 6);

		const all = inventoryView(doc, {}, '2026-03-01');
		expect(all.rows.map((r) => r.resource.name)).toEqual(['Épinards', 'salle 2', 'Salle 10']);
		expect(all.rows[0]).toMatchObject({ expiry: 'soon', editorName: 'Bob' });
		expect(all.rows[1]).toMatchObject({ expiry: 'none', editorName: 'Alice' });
		expect(all).toMatchObject({ unreadable: 0, narrowed: false });

		expect(inventoryView(doc, { kind: 'room', search: 'SALLE' }, '2026-03-01')).toMatchObject({ narrowed: true, rows: [{}, {}] });
		expect(inventoryView(doc, { search: '  ' }, '2026-03-01').narrowed).toBe(false);
		expect(inventoryView(doc, { removed: true }, '2026-03-01').rows.map((r) => r.resource.id)).toEqual([gone]);
	});

	it('names nobody for an editor whose entry has not arrived', () => {
		const { doc } = newSpace();
		created(addResource(doc, { kind: 'other', name: 'Carton' }, memberId()));
		expect(inventoryView(doc, {}, '2026-03-01').rows[0]?.editorName).toBeNull();
	});
});
