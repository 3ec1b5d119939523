/**
 * Roles: who the collective asked to keep the money, to close decisions, and
 * to let people in (invites and the collective's key). A role is a social
 * contract, not a permission: every member holds the same key to the same
 * shared document, so no device and no server can stop anyone from acting.
 * What the app does is make the contract visible: it names the holders, asks
 * others to confirm before acting in their place, and marks such actions for
 * the collective to review.
 *
 * Roles change only by a decision: a `role` allocation grants or takes back a
 * role, and takes effect when the decision is adopted. The holders are
 * therefore derived from the decisions themselves, in the order they were
 * adopted; a closing later overturned (a conflict resolved the other way)
 * takes its role change with it, on every device alike.
 *
 * A role nobody holds is open to all: a new collective works as before until
 * it names someone.
 */
import type * as Y from 'yjs';
import { listActivity, type Activity } from '../core/activity';
import { derivedViews } from '../core/derived';
import type { DecisionId, MemberId } from '../core/ids';
import { compareIds } from '../core/order';
import { activityArray, decisionsMap } from '../core/schema';
import { memberName } from '../space/space';
import { claimsOf } from '../space/without-device';
import { getDecision, listDecisions } from './decisions';
import { shownClosing } from './read';
import { ROLES, type Role, type RoleChange } from './schema';

/**
 * The history's actions each role usually takes. Money carried out by an
 * adopted decision ('ledger.allocated') is the decision's doing, not a role's.
 */
const ROLE_ACTIONS: Record<Role, readonly string[]> = {
	treasurer: [
		'ledger.created',
		'ledger.transferred',
		'ledger.reversed',
		'ledger.edited',
		'dues.paid',
		'dues.set',
		'dues.changed',
		'dues.removed',
		'dues.change_removed',
		'fund.created',
		'fund.edited',
		'fund.archived',
		'fund.unarchived',
		'fund.line_added',
		'fund.line_edited',
		'fund.line_removed'
	],
	closer: ['decision.closed', 'decision.closing_resolved'],
	keeper: ['space.invite_shared', 'space.key_changed']
};

const roleOfAction = new Map<string, Role>(ROLES.flatMap((role) => ROLE_ACTIONS[role].map((action) => [action, role] as const)));

/** The role whose holders usually take this history action, if any. */
export function roleOf(action: string): Role | null {
	return roleOfAction.get(action) ?? null;
}

/** One change of a role, as an adopted decision made it. */
export interface RoleAssignment {
	role: Role;
	memberId: MemberId;
	change: RoleChange;
	decisionId: DecisionId;
	decisionTitle: string;
	/** When the adoption was recorded. */
	at: number;
}

/** Every role change of every adopted decision, oldest first: the same order on every device. */
export function roleAssignments(doc: Y.Doc): RoleAssignment[] {
	return derivedViews(doc).get('roles:assignments', () => {
		decisionsMap(doc);
		const changes: (RoleAssignment & { seq: number })[] = [];
		for (const decision of listDecisions(doc, { status: 'closed' }).items) {
			const closing = shownClosing(decision.closings, decision.resolution);
			if (closing?.outcome !== 'adopted') continue;
			for (const allocation of decision.allocations) {
				const effect = allocation.effect;
				if (effect.kind !== 'role' || allocation.withdrawnAt !== null) continue;
				changes.push({
					role: effect.role,
					memberId: effect.memberId,
					change: effect.change,
					decisionId: decision.id,
					decisionTitle: decision.title,
					at: closing.at,
					seq: allocation.seq
				});
			}
		}
		changes.sort((a, b) => a.at - b.at || compareIds(a.decisionId, b.decisionId) || a.seq - b.seq);
		return changes.map(({ seq: _seq, ...change }) => change);
	});
}

/** Who holds each role: after every change, or as things stood at `at`. */
export type RoleHolders = Record<Role, MemberId[]>;

/** Replays the changes up to `at`; a member who claimed an entry added by hand holds what that entry held. */
export function holdersAmong(assignments: readonly RoleAssignment[], claims: ReadonlyMap<MemberId, MemberId>, at = Infinity): RoleHolders {
	const held: Record<Role, Set<MemberId>> = { treasurer: new Set(), closer: new Set(), keeper: new Set() };
	for (const change of assignments) {
		if (change.at > at) break;
		const member = claims.get(change.memberId) ?? change.memberId;
		if (change.change === 'grant') held[change.role].add(member);
		else held[change.role].delete(member);
	}
	return { treasurer: [...held.treasurer], closer: [...held.closer], keeper: [...held.keeper] };
}

export function roleHolders(doc: Y.Doc, at = Infinity): RoleHolders {
	return holdersAmong(roleAssignments(doc), claimsOf(doc), at);
}

/**
 * Who usually does it, when `member` is not among them: the holders of the
 * role, or null when the member holds it or nobody does (the role is open).
 */
export function usualHolders(doc: Y.Doc, role: Role, member: MemberId): MemberId[] | null {
	const holders = roleHolders(doc)[role];
	return holders.length === 0 || holders.includes(member) ? null : holders;
}

/** A history record of a role's kind of action, by someone who did not hold the role at the time. */
export interface OutsideRole {
	activity: Activity;
	role: Role;
	/** Who held the role then. */
	holders: MemberId[];
}

/**
 * Every action taken outside its role, newest first. Only the history since
 * the first role was given is read: before it, every role was open.
 */
export function actionsOutsideRole(doc: Y.Doc): OutsideRole[] {
	return derivedViews(doc).get('roles:outside', () => {
		const assignments = roleAssignments(doc);
		activityArray(doc);
		const first = assignments[0];
		if (!first) return [];
		const claims = claimsOf(doc);
		const found: OutsideRole[] = [];
		for (const activity of listActivity(doc, { from: first.at }).items) {
			const role = roleOf(activity.action);
			// An action carried out under an adopted decision was the collective's (a decision's own records name it too).
			if (!role || (activity.decisionId && activity.subjectKind !== 'decision')) continue;
			if (activity.action === 'decision.closed' && withdrawnByProposer(doc, activity)) continue;
			// Strictly before: the closing that names the first closer is not taken outside that role.
			const holders = holdersAmong(assignments, claims, activity.at - 1)[role];
			const by = claims.get(activity.by) ?? activity.by;
			if (holders.length > 0 && !holders.includes(by)) found.push({ activity, role, holders });
		}
		return found;
	});
}

/** What one member did in a role they did not hold: the collective reviews it together. */
export interface OutsideRoleGroup {
	role: Role;
	by: MemberId;
	/** Newest first. */
	actions: Activity[];
	/** Who held the role at the newest of them. */
	holders: MemberId[];
}

/** The actions outside a role, one group per member and role, in the order of their newest action. */
export function outsideRoleGroups(doc: Y.Doc): OutsideRoleGroup[] {
	return derivedViews(doc).get('roles:groups', () => {
		const groups = new Map<string, OutsideRoleGroup>();
		for (const { activity, role, holders } of actionsOutsideRole(doc)) {
			const key = `${role}:${activity.by}`;
			const group = groups.get(key);
			if (group) group.actions.push(activity);
			else groups.set(key, { role, by: activity.by, actions: [activity], holders });
		}
		return [...groups.values()];
	});
}

/** A proposer may take back their own proposal: withdrawing it is not the closer's task. */
function withdrawnByProposer(doc: Y.Doc, activity: Activity): boolean {
	const decision = getDecision(doc, activity.subjectId as DecisionId);
	if (!decision || decision.proposedBy !== activity.by) return false;
	return decision.closings.some((c) => c.by === activity.by && c.at === activity.at && c.outcome === 'withdrawn');
}

/** The ids of the history records taken outside their role, for the history page to mark. */
export function outsideRoleIds(doc: Y.Doc): Set<string> {
	return derivedViews(doc).get('roles:outside-ids', () => new Set(actionsOutsideRole(doc).map((o) => o.activity.id)));
}

/** One role as the members page shows it: who holds it, and the decision that last changed it. */
export interface RoleView {
	role: Role;
	holders: { id: MemberId; name: string | null }[];
	/** The latest adopted decision that gave or took back this role; null when none did. */
	lastChange: { decisionId: DecisionId; title: string; at: number } | null;
}

export function rolesView(doc: Y.Doc): RoleView[] {
	const assignments = roleAssignments(doc);
	const holders = holdersAmong(assignments, claimsOf(doc));
	return ROLES.map((role) => {
		const last = assignments.findLast((a) => a.role === role);
		return {
			role,
			holders: holders[role].map((id) => ({ id, name: memberName(doc, id) })),
			lastChange: last ? { decisionId: last.decisionId, title: last.decisionTitle, at: last.at } : null
		};
	});
}

/** The names of those who usually do it, when `member` is not among them; null when the member may go ahead. */
export function usualHolderNames(doc: Y.Doc, role: Role, member: MemberId): string[] | null {
	const holders = usualHolders(doc, role, member);
	return holders && holders.map((id) => memberName(doc, id) ?? '?');
}
