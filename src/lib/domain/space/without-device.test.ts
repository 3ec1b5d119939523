import { describe, expect, it } from 'vitest';
import { listActivity } from '../core/activity';
import type { MemberId } from '../core/ids';
import { decisionResults } from '../decisions/results';
import { recordTally } from '../decisions/tallies';
import { takePosition } from '../decisions/decisions';
import { propose, T0 } from '../decisions/testing';
import { duesStatus, recordDuesPayment, setDues } from '../money/dues';
import { fund, replica } from '../money/testing';
import { ledgerView } from '../money/views';
import { listPledges } from '../needs/pledges';
import { moneyNeed, pledge } from '../needs/testing';
import { joinSpace, listMembers } from './space';
import { created, memberId, newSpace, syncDocs } from './testing';
import { addMemberWithoutDevice, claimMember, claimsOf, currentMembers, doubleClaims } from './without-device';
import { acknowledgeConflict, listConflicts } from '../reports/conflicts';

const MARCH = Date.UTC(2026, 2, 1);

function workshop() {
	const { doc, by } = newSpace();
	const maria = created(addMemberWithoutDevice(doc, { name: ' Maria ', memberSince: '2025-09-01', contact: 'atelier 2' }, by, MARCH));
	return { doc, alice: by, maria };
}

describe('members without a device', () => {
	it('are members: listed with who added them and how to reach them, and in history', () => {
		const { doc, alice, maria } = workshop();
		const entry = listMembers(doc).items.find((m) => m.id === maria)!;
		expect(entry).toMatchObject({ name: 'Maria', memberSince: '2025-09-01', addedBy: alice, contact: 'atelier 2', claimedBy: null });
		expect(currentMembers(doc).items.map((m) => m.id)).toContain(maria);
		expect(listActivity(doc).items.some((a) => a.action === 'member.added' && a.subjectId === maria && a.by === alice)).toBe(true);
	});

	it('refuse an empty name or a date that is not one, and write nothing', () => {
		const { doc, by } = newSpace();
		const before = listMembers(doc).items.length;
		expect(addMemberWithoutDevice(doc, { name: '  ', memberSince: null }, by)).toMatchObject({ ok: false, reason: 'invalid_field', field: 'name' });
		expect(addMemberWithoutDevice(doc, { name: 'Luca', memberSince: '2026-13-01' }, by)).toMatchObject({ ok: false, field: 'memberSince' });
		expect(listMembers(doc).items).toHaveLength(before);
	});

	it('owe dues from their membership date, and their payments count', () => {
		const { doc, alice, maria } = workshop();
		const box = fund(doc, alice);
		setDues(doc, 'default', { amount: 1_000, currency: 'EUR', period: 'monthly', start: '2025-01-01' }, alice, MARCH);
		const pay = recordDuesPayment(doc, { memberId: maria, amount: 2_000, fundId: box, date: '2026-01-10', note: '' }, alice, MARCH);
		expect(pay.ok).toBe(true);
		const line = duesStatus(doc, '2026-02-15').items.find((s) => s.memberId === maria)!;
		// September 2025 to February 2026: six periods, two paid.
		expect(line).toMatchObject({ start: '2025-09-01', periods: 6, paid: 2_000, balance: -4_000, state: 'late' });
	});

	it('can be named in a show of hands, and pledge through another member', () => {
		const { doc, alice, maria } = workshop();
		const id = propose(doc, alice, { process: 'vote' });
		expect(recordTally(doc, id, { hands: [{ memberId: maria, choice: 'yes' }] }, alice, T0 + 10).ok).toBe(true);
		expect(decisionResults(doc, id, '2027-01-15')!.answers.map((a) => a.memberId)).toEqual([maria]);
		const need = moneyNeed(doc, alice);
		pledge(doc, need, 5_000, alice, undefined, { memberId: maria });
		expect(listPledges(doc, { memberId: maria }).items).toMatchObject([{ memberId: maria, createdBy: alice, amount: 5_000 }]);
	});
});

describe('claiming an entry made for you', () => {
	function joinedLater(doc: ReturnType<typeof workshop>['doc']): MemberId {
		const luca = memberId();
		joinSpace(doc, luca, 'Maria R.', Date.UTC(2026, 5, 1));
		return luca;
	}

	it('makes the new phone’s member stand for the entry: one line of dues, from the earlier date, with the payments', () => {
		const { doc, alice, maria } = workshop();
		const box = fund(doc, alice);
		setDues(doc, 'default', { amount: 1_000, currency: 'EUR', period: 'monthly', start: '2025-01-01' }, alice, MARCH);
		recordDuesPayment(doc, { memberId: maria, amount: 3_000, fundId: box, date: '2026-01-10', note: '' }, alice, MARCH);
		const phone = joinedLater(doc);
		expect(claimMember(doc, maria, phone, Date.UTC(2026, 5, 2))).toEqual({ ok: true });

		expect(claimsOf(doc)).toEqual(new Map([[maria, phone]]));
		expect(currentMembers(doc).items.map((m) => m.id)).not.toContain(maria);
		const lines = duesStatus(doc, '2026-06-15').items;
		expect(lines.some((s) => s.memberId === maria)).toBe(false);
		// From September 2025, not June 2026: ten periods, the three paid as Maria kept.
		expect(lines.find((s) => s.memberId === phone)).toMatchObject({ name: 'Maria R.', start: '2025-09-01', periods: 10, paid: 3_000 });
		expect(listActivity(doc).items.some((a) => a.action === 'member.claimed' && a.subjectId === maria && a.by === phone)).toBe(true);
		// The ledger filtered on the phone's member shows the payment made under the entry.
		const linked = { needs: () => [], decisions: () => [] };
		expect(ledgerView(doc, { memberId: phone, category: 'dues' }, linked).entries.map((e) => e.amount)).toEqual([3_000]);
	});

	it('counts a hand raised for the entry as the claimant’s, once, under their own position', () => {
		const { doc, alice, maria } = workshop();
		const id = propose(doc, alice, { process: 'vote' });
		recordTally(doc, id, { hands: [{ memberId: maria, choice: 'no' }] }, alice, T0 + 10);
		const phone = joinedLater(doc);
		claimMember(doc, maria, phone);
		let results = decisionResults(doc, id, '2027-01-15')!;
		expect(results.answers.map((a) => [a.memberId, a.choices])).toEqual([[phone, ['no']]]);
		expect(results.notYet).toEqual([alice]);
		takePosition(doc, id, { choice: 'yes' }, phone, T0 + 20);
		results = decisionResults(doc, id, '2027-01-15')!;
		expect(results.counts).toMatchObject({ yes: 1, no: 0 });
		expect(results.superseded).toMatchObject([{ memberId: phone, supersededBy: 'own_position' }]);
	});

	it('is refused for a device’s own entry, an entry already claimed, or a second entry', () => {
		const { doc, alice, maria } = workshop();
		const phone = joinedLater(doc);
		const other = memberId();
		joinSpace(doc, other, 'Bruno', MARCH);
		const luca = created(addMemberWithoutDevice(doc, { name: 'Luca', memberSince: null }, alice, MARCH));
		expect(claimMember(doc, alice, phone)).toEqual({ ok: false, reason: 'has_device' });
		expect(claimMember(doc, memberId(), phone)).toEqual({ ok: false, reason: 'member_not_found' });
		expect(claimMember(doc, maria, phone)).toEqual({ ok: true });
		expect(claimMember(doc, maria, other)).toEqual({ ok: false, reason: 'already_claimed', by: phone });
		expect(claimMember(doc, luca, phone)).toEqual({ ok: false, reason: 'claims_another', entry: maria });
	});

	it('reaches every replica, and two phones claiming apart end with one claimant', () => {
		const { doc, maria } = workshop();
		const other = replica(doc);
		const a = joinedLater(doc);
		const b = memberId();
		joinSpace(other, b, 'Maria', Date.UTC(2026, 5, 1));
		syncDocs(doc, other);
		expect(claimMember(doc, maria, a, 10)).toEqual({ ok: true });
		expect(claimMember(other, maria, b, 20)).toEqual({ ok: true });
		syncDocs(doc, other);
		expect(claimsOf(doc)).toEqual(claimsOf(other));
		expect(currentMembers(doc).items.filter((m) => m.id === maria)).toEqual([]);
		// The entry keeps one claim; both are in the history, and the conflicts page says so until reviewed.
		const [double] = doubleClaims(doc);
		expect(double).toMatchObject({ entryId: maria, claimants: [a, b], kept: claimsOf(doc).get(maria) });
		expect(doubleClaims(other)).toEqual([double]);
		const conflict = listConflicts(doc, '2026-07-01').find((c) => c.kind === 'claimed_twice');
		expect(conflict).toMatchObject({ subjectId: maria, involved: expect.any(Array), acknowledgement: null });
		expect(acknowledgeConflict(doc, conflict!, 'Maria a gardé son téléphone', a, 30)).toEqual({ ok: true });
		expect(listConflicts(doc, '2026-07-01').find((c) => c.kind === 'claimed_twice')?.acknowledgement).not.toBeNull();
	});

	it('is no double claim when one member claims once', () => {
		const { doc, maria } = workshop();
		const a = joinedLater(doc);
		claimMember(doc, maria, a, 10);
		expect(doubleClaims(doc)).toEqual([]);
	});
});
