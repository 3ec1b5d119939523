/**
 * Names written by another client are read through the schema: bounded in
 * length, and without the direction controls that would reverse the text
 * shown after them.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { newSpaceSecret, inviteUrl, parseInvite } from '../../sync/invite';
import { newId, type MemberId } from '../core/ids';
import { addResource, listResources } from '../inventory/resources';
import { withoutBidiControls } from '../core/schema';
import { listMembers, memberName, readSpaceMeta } from './space';
import { created, memberId, newSpace, syncDocs } from './testing';

/** A member entry as a hostile client writes it, received by the victim's replica. */
function writtenElsewhere(doc: Y.Doc, id: MemberId, name: string): void {
	const other = new Y.Doc();
	syncDocs(doc, other);
	other.transact(() => {
		const member = new Y.Map<unknown>();
		member.set('id', id);
		member.set('name', name);
		member.set('joinedAt', 1_700_000_000_001);
		other.getMap('members').set(id, member);
	});
	syncDocs(other, doc);
}

describe('names read from the document', () => {
	it('lose their bidirectional overrides, embeddings, isolates and marks', () => {
		const { doc } = newSpace();
		const eve = memberId();
		writtenElsewhere(doc, eve, 'Eve\u202Egpj.exe\u202C \u2066x\u2069\u200E\u200F\u202A\u202B\u202D\u2067\u2068');
		expect(memberName(doc, eve)).toBe('Evegpj.exe x');
		expect(listMembers(doc).items.find((m) => m.id === eve)?.name).toBe('Evegpj.exe x');
	});

	it('keep right-to-left letters, which need no control to show right', () => {
		expect(withoutBidiControls('مريم Cohen שרה')).toBe('مريم Cohen שרה');
	});

	it('of a megabyte are not read: the member counts as unreadable, the name as unknown', () => {
		const { doc } = newSpace();
		const long = memberId();
		writtenElsewhere(doc, long, 'A'.repeat(1_000_000));
		const members = listMembers(doc);
		expect(members.items).toHaveLength(1);
		expect(members.unreadable).toBe(1);
		expect(memberName(doc, long)).toBeNull();
	});

	it('made only of controls read as no name', () => {
		const { doc } = newSpace();
		const blank = memberId();
		writtenElsewhere(doc, blank, '\u202E\u202E');
		expect(memberName(doc, blank)).toBeNull();
		expect(listMembers(doc).unreadable).toBe(1);
	});

	it('of the space and of resources lose their controls too', () => {
		const { doc, by } = newSpace();
		const other = new Y.Doc();
		syncDocs(doc, other);
		other.getMap('meta').set('name', 'Atelier\u202E des Lilas');
		syncDocs(other, doc);
		expect(readSpaceMeta(doc)?.name).toBe('Atelier des Lilas');
		const id = created(addResource(doc, { kind: 'room', name: 'Salle' }, by, 1_000));
		(doc.getMap('resources').get(id) as Y.Map<unknown>).set('name', 'Salle\u2067 B');
		expect(listResources(doc).items[0]?.name).toBe('Salle B');
	});

	it('in an invite lose their controls', () => {
		const invite = {
			spaceId: newId<'space'>(),
			secret: newSpaceSecret(),
			relayUrl: 'ws://192.168.1.10:8080/sync',
			name: 'Atelier\u202E GKN',
			access: 'member' as const
		};
		const parsed = parseInvite(inviteUrl('http://x', invite));
		expect(parsed.ok && parsed.invite.name).toBe('Atelier GKN');
	});
});
