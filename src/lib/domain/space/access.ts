/**
 * Who let people in: the history lines for a member invite passed on and
 * for the collective's key changed. Neither changes the document otherwise
 * (an invite is the key in a link; a new key lives on the devices and the
 * relay), so these lines are what the collective sees of them, and what the
 * keeper's role is checked against (decisions/roles.ts).
 */
import type * as Y from 'yjs';
import { recordActivity } from '../core/activity';
import type { MemberId } from '../core/ids';
import { LOCAL_ORIGIN } from '../core/schema';

/** A member invite shown to be passed on. */
export function recordInviteShared(doc: Y.Doc, by: MemberId, now = Date.now()): void {
	doc.transact(() => recordActivity(doc, { at: now, by, action: 'space.invite_shared', subjectKind: 'space', subjectId: 'meta' }), LOCAL_ORIGIN);
}

/** The collective's key changed from this device: every member needs the new invite. */
export function recordKeyChanged(doc: Y.Doc, by: MemberId, now = Date.now()): void {
	doc.transact(() => recordActivity(doc, { at: now, by, action: 'space.key_changed', subjectKind: 'space', subjectId: 'meta' }), LOCAL_ORIGIN);
}
