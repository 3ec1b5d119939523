import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createSpace, editSpace, joinSpace, listMembers, memberName, readSpaceMeta } from './space';
import { membersMap, metaMap } from '../core/schema';
import { memberId, newSpace, syncDocs } from './testing';

describe('space', () => {
	it('creates a space with its meta and creator', () => {
		const { doc, by } = newSpace('Cantine populaire');
		expect(readSpaceMeta(doc)).toMatchObject({ name: 'Cantine populaire', kind: 'collective', createdBy: by });
		editSpace(doc, { name: 'Cantine', description: 'Repas à prix libre' }, by);
		expect(readSpaceMeta(doc)).toMatchObject({ name: 'Cantine', description: 'Repas à prix libre' });
	});

	it('has no meta before the space arrives, and ignores garbage meta', () => {
		const doc = new Y.Doc();
		expect(readSpaceMeta(doc)).toBeNull();
		metaMap(doc).set('name', 12);
		expect(readSpaceMeta(doc)).toBeNull();
		expect(createSpace(new Y.Doc(), { name: '' }, memberId())).toMatchObject({ ok: false, reason: 'invalid_field', field: 'name' });
	});

	it('adds members once, renames them, and lists them across replicas', () => {
		const { doc: a, by } = newSpace();
		const b = new Y.Doc();
		syncDocs(a, b);
		const bob = memberId();
		joinSpace(b, bob, 'Bob');
		joinSpace(b, bob, 'Bob');
		joinSpace(a, by, 'Alice M.');
		syncDocs(a, b);
		for (const doc of [a, b]) {
			expect(listMembers(doc).items.map((m) => m.name).sort()).toEqual(['Alice M.', 'Bob']);
			expect(memberName(doc, bob)).toBe('Bob');
		}
		membersMap(a).set('junk', 3);
		expect(listMembers(a).unreadable).toBe(1);
		expect(joinSpace(a, bob, '  ')).toMatchObject({ ok: false, reason: 'invalid_field', field: 'name', problem: 'required' });
	});
});
