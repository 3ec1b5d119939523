/** What the members page shows, as a pure function of the document. */
import type * as Y from 'yjs';
import type { Member } from '../core/schema';
import { listMembers, memberName, readSpaceMeta } from './space';
import { claimsAmong } from './without-device';

export type MemberRow = Member & {
	/** Who added a person without a phone; null for a device's own member. */
	addedByName: string | null;
	/** Who took over this entry, when someone did and is still a member. */
	claimedByName: string | null;
};

export interface MembersView {
	/** In the order they joined. */
	members: MemberRow[];
	unreadable: number;
	/** The space's name and description as the edit form starts from them; null before the space has arrived. */
	about: { name: string; description: string } | null;
}

export function membersView(doc: Y.Doc): MembersView {
	const { items, unreadable } = listMembers(doc);
	const claims = claimsAmong(items);
	const meta = readSpaceMeta(doc);
	const members = items.map((member) => {
		const claimant = claims.get(member.id);
		return {
			...member,
			addedByName: member.addedBy && memberName(doc, member.addedBy),
			claimedByName: claimant ? memberName(doc, claimant) : null
		};
	});
	return { members, unreadable, about: meta && { name: meta.name, description: meta.description } };
}
