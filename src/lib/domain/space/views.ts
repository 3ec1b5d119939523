/** What the members page shows, as a pure function of the document. */
import type * as Y from 'yjs';
import type { Member } from '../core/schema';
import { listMembers, readSpaceMeta } from './space';

export interface MembersView {
	/** In the order they joined. */
	members: Member[];
	unreadable: number;
	/** The space's name and description as the edit form starts from them; null before the space has arrived. */
	about: { name: string; description: string } | null;
}

export function membersView(doc: Y.Doc): MembersView {
	const { items, unreadable } = listMembers(doc);
	const meta = readSpaceMeta(doc);
	return { members: items, unreadable, about: meta && { name: meta.name, description: meta.description } };
}
