import { describe, expect, it } from 'vitest';
import { listActivity } from '../core/activity';
import { listConflicts, acknowledgeConflict } from '../reports/conflicts';
import { addMemberWithoutDevice, claimMember } from '../space/without-device';
import { created, memberId, syncDocs } from '../space/testing';
import { joinSpace } from '../space/space';
import { entry, fund, replica } from '../money/testing';
import { adoptDecision, closeDecision, resolveClosing } from './closings';
import { addAllocation } from './allocations';
import { actionsOutsideRole, outsideRoleGroups, roleAssignments, roleHolders, roleOf, rolesView, usualHolderNames, usualHolders } from './roles';
import { recordInviteShared, recordKeyChanged } from '../space/access';
import { assembly, propose, T0, WEEK } from './testing';
import type { MemberId } from '../core/ids';
import type * as Y from 'yjs';
import type { Role, RoleChange } from './schema';

/** Adopts a decision that gives (or takes back) a role, at `at`. */
function decideRole(doc: Y.Doc, by: MemberId, role: Role, memberId: MemberId, at: number, change: RoleChange = 'grant') {
	const id = propose(doc, by, { title: `Rôle ${role}`, allocations: [{ kind: 'role', role, memberId, change }] });
	const closed = adoptDecision(doc, id, {}, by, at);
	if (!closed.ok) throw new Error(`refused: ${closed.reason}`);
	return id;
}

describe('roles', () => {
	it('leaves every role open until a decision names someone', () => {
		const { doc, by, members } = assembly(2);
		expect(roleHolders(doc)).toEqual({ treasurer: [], closer: [], keeper: [] });
		expect(usualHolders(doc, 'treasurer', members[1]!)).toBeNull();
		const cash = fund(doc, members[1]!, {}, T0);
		entry(doc, members[1]!, cash, {}, T0 + 1);
		expect(actionsOutsideRole(doc)).toEqual([]);
		expect(roleAssignments(doc)).toEqual([]);
		expect(by).not.toBe(members[1]);
	});

	it('gives a role when the decision naming it is adopted, not before', () => {
		const { doc, by, members } = assembly(2);
		const treasurer = members[1]!;
		const id = propose(doc, by, { allocations: [{ kind: 'role', role: 'treasurer', memberId: treasurer, change: 'grant' }] });
		expect(roleHolders(doc).treasurer).toEqual([]);
		expect(adoptDecision(doc, id, {}, by, T0 + WEEK).ok).toBe(true);
		expect(roleHolders(doc).treasurer).toEqual([treasurer]);
		expect(usualHolders(doc, 'treasurer', treasurer)).toBeNull();
		expect(usualHolders(doc, 'treasurer', by)).toEqual([treasurer]);
		// The history says who was given what, under which decision.
		const line = listActivity(doc, { decisionId: id }).items.find((a) => a.action === 'member.role_granted');
		expect(line).toMatchObject({ subjectId: treasurer, role: 'treasurer', by });
	});

	it('does not give a role by a decision rejected', () => {
		const { doc, by, members } = assembly(2);
		const rejected = propose(doc, by, { allocations: [{ kind: 'role', role: 'closer', memberId: members[1]!, change: 'grant' }] });
		closeDecision(doc, rejected, { outcome: 'rejected' }, by, T0 + WEEK);
		expect(roleHolders(doc).closer).toEqual([]);
		expect(roleAssignments(doc)).toEqual([]);
	});

	it('marks money recorded by someone else than the treasurer, once the treasurer is named', () => {
		const { doc, by, members } = assembly(2);
		const [alice, bob] = [members[1]!, members[2]!];
		const cash = fund(doc, bob, {}, T0);
		entry(doc, bob, cash, { note: 'avant' }, T0 + 1);
		decideRole(doc, by, 'treasurer', alice, T0 + WEEK);
		entry(doc, alice, cash, { note: 'par la trésorière' }, T0 + WEEK + 1);
		const outside = entry(doc, bob, cash, { note: 'hors rôle' }, T0 + WEEK + 2);
		const found = actionsOutsideRole(doc);
		expect(found).toHaveLength(1);
		expect(found[0]).toMatchObject({ role: 'treasurer', holders: [alice], activity: { by: bob, subjectId: outside, action: 'ledger.created' } });
	});

	it('does not mark what an adopted decision carried out, nor actions no role covers', () => {
		const { doc, by, members } = assembly(2);
		const [alice, bob] = [members[1]!, members[2]!];
		const cash = fund(doc, alice, {}, T0);
		entry(doc, alice, cash, { amount: 50_000 }, T0 + 1);
		decideRole(doc, by, 'treasurer', alice, T0 + WEEK);
		// Bob adopts a decision that spends money: the decision spends it, not Bob.
		const spend = propose(doc, bob, { allocations: [{ kind: 'money', fundId: cash, amount: 1_000, currency: 'EUR' }] });
		adoptDecision(doc, spend, {}, bob, T0 + 2 * WEEK);
		expect(actionsOutsideRole(doc)).toEqual([]);
		expect(roleOf('need.created')).toBeNull();
		expect(roleOf('ledger.allocated')).toBeNull();
	});

	it('marks a closing by someone else than the closers, and the role given back opens it again', () => {
		const { doc, by, members } = assembly(2);
		const [alice, bob] = [members[1]!, members[2]!];
		decideRole(doc, by, 'closer', alice, T0 + WEEK);
		const other = propose(doc, alice, { title: 'Repeindre' });
		closeDecision(doc, other, { outcome: 'rejected' }, bob, T0 + WEEK + 10);
		expect(actionsOutsideRole(doc).map((o) => o.activity.by)).toEqual([bob]);
		// Bob takes back his own proposal: that is not the closer's task.
		const own = propose(doc, bob, { title: 'Ma proposition' });
		closeDecision(doc, own, { outcome: 'withdrawn' }, bob, T0 + WEEK + 20);
		expect(actionsOutsideRole(doc)).toHaveLength(1);
		// Alice closes the decision that takes the role back from her: from then on anyone closes.
		const back = propose(doc, alice, { title: 'Plus de rôle', allocations: [{ kind: 'role', role: 'closer', memberId: alice, change: 'revoke' }] });
		adoptDecision(doc, back, {}, alice, T0 + 2 * WEEK);
		expect(roleHolders(doc).closer).toEqual([]);
		const third = propose(doc, alice, { title: 'Fenêtres' });
		closeDecision(doc, third, { outcome: 'adopted' }, bob, T0 + 3 * WEEK);
		expect(actionsOutsideRole(doc)).toHaveLength(1);
	});

	it('follows a closing conflict: the role stands only while the adoption does', () => {
		const { doc, by, members } = assembly(2);
		const alice = members[1]!;
		const id = propose(doc, by, { allocations: [{ kind: 'role', role: 'keeper', memberId: alice, change: 'grant' }] });
		const other = replica(doc);
		adoptDecision(doc, id, {}, by, T0 + WEEK);
		const rejected = closeDecision(other, id, { outcome: 'rejected' }, members[2]!, T0 + WEEK + 5);
		syncDocs(doc, other);
		expect(roleHolders(doc).keeper).toEqual([alice]);
		expect(rejected.ok).toBe(true);
		if (!rejected.ok) return;
		// Nothing is left to undo by hand: the role follows the outcome kept.
		expect(resolveClosing(doc, id, rejected.closingId, by, T0 + WEEK + 60)).toEqual({ ok: true, executedWithoutAdoption: [] });
		expect(roleHolders(doc).keeper).toEqual([]);
	});

	it('gives a claimed entry’s role to the member who claimed it', () => {
		const { doc, by } = assembly(1);
		const paper = created(addMemberWithoutDevice(doc, { name: 'Rosa', memberSince: '2026-01-01' }, by, T0));
		decideRole(doc, by, 'treasurer', paper, T0 + WEEK);
		// Rosa gets a phone, joins, and claims her entry.
		const phone = memberId();
		joinSpace(doc, phone, 'Rosa', T0 + WEEK + 10);
		expect(claimMember(doc, paper, phone, T0 + WEEK + 20)).toEqual({ ok: true });
		expect(roleHolders(doc).treasurer).toEqual([phone]);
		const cash = fund(doc, phone, {}, T0 + 2 * WEEK);
		entry(doc, phone, cash, {}, T0 + 2 * WEEK + 1);
		expect(actionsOutsideRole(doc)).toEqual([]);
	});

	it('refuses a role for someone this device does not know', () => {
		const { doc, by } = assembly(1);
		const id = propose(doc, by);
		const stranger = 'z'.repeat(22) as MemberId;
		expect(addAllocation(doc, id, { kind: 'role', role: 'treasurer', memberId: stranger, change: 'grant' }, by, T0)).toEqual({
			ok: false,
			reason: 'effect_refused',
			refusal: 'member_not_found'
		});
	});

	it('lists the actions outside a role per member on the conflicts page, reopened by a new one after review', () => {
		const { doc, by, members } = assembly(2);
		const [alice, bob] = [members[1]!, members[2]!];
		const cash = fund(doc, alice, {}, T0);
		decideRole(doc, by, 'treasurer', alice, T0 + WEEK);
		const first = entry(doc, bob, cash, {}, T0 + WEEK + 1);
		const second = entry(doc, bob, cash, {}, T0 + WEEK + 2);
		const today = '2027-01-20';
		const outside = () => listConflicts(doc, today).filter((c) => c.kind === 'outside_role');
		expect(outside()).toHaveLength(1);
		const [group] = outside();
		expect(group).toMatchObject({ role: 'treasurer', by: bob, holders: [alice] });
		expect(group?.kind === 'outside_role' && group.actions.map((a) => a.subjectId)).toEqual([second, first]);
		expect(acknowledgeConflict(doc, group!, 'Alice était malade', alice, T0 + WEEK + 100)).toEqual({ ok: true });
		expect(outside()[0]?.acknowledgement).toMatchObject({ by: alice, note: 'Alice était malade' });
		// Bob records again: the review opens again, with all three.
		entry(doc, bob, cash, {}, T0 + WEEK + 200);
		expect(outside()[0]?.acknowledgement).toBeNull();
		expect(outsideRoleGroups(doc)[0]?.actions).toHaveLength(3);
	});
});

describe('the keeper’s role', () => {
	it('marks a member invite or a key change by someone else than the keepers', () => {
		const { doc, by, members } = assembly(2);
		const [alice, bob] = [members[1]!, members[2]!];
		recordInviteShared(doc, bob, T0);
		decideRole(doc, by, 'keeper', alice, T0 + WEEK);
		recordInviteShared(doc, alice, T0 + WEEK + 1);
		recordKeyChanged(doc, bob, T0 + WEEK + 2);
		expect(actionsOutsideRole(doc).map((o) => [o.activity.action, o.activity.by])).toEqual([['space.key_changed', bob]]);
		expect(rolesView(doc).find((r) => r.role === 'keeper')).toMatchObject({
			holders: [{ id: alice, name: 'Membre 2' }],
			lastChange: { title: 'Rôle keeper' }
		});
		expect(usualHolderNames(doc, 'keeper', bob)).toEqual(['Membre 2']);
	});
});
