import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { membersMap } from '../core/schema';
import { editSpace, joinSpace } from './space';
import { memberId, newSpace } from './testing';
import { membersView } from './views';

describe('members view', () => {
	it('lists members in the order they joined, counts the unreadable, and says what the space is', () => {
		const { doc, by } = newSpace('Atelier');
		joinSpace(doc, memberId(), 'Bob', 1_700_000_000_500);
		membersMap(doc).set('junk', 3);
		editSpace(doc, { name: 'Atelier des Lilas', description: 'Vélos et outils' }, by);
		expect(membersView(doc)).toMatchObject({
			members: [{ name: 'Alice' }, { name: 'Bob' }],
			unreadable: 1,
			about: { name: 'Atelier des Lilas', description: 'Vélos et outils' }
		});
		expect(membersView(new Y.Doc())).toEqual({ members: [], unreadable: 0, about: null });
	});
});
