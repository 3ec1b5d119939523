import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { listActivity } from '../core/activity';
import { newId } from '../core/ids';
import { duesStatus, setDues } from '../money/dues';
import { joinSpace, listMembers, membershipStart, setMemberSince } from './space';
import { memberId, newSpace, syncDocs } from './testing';

describe('membership date', () => {
	const setup = () => {
		const { doc, by: alice } = newSpace();
		const bob = memberId();
		// Bob installs the app on 10 March, though he has been a member since January.
		joinSpace(doc, bob, 'Bob', Date.UTC(2026, 2, 10, 9));
		setDues(doc, 'default', { amount: 1_000, currency: 'EUR', period: 'monthly', start: '2025-10-01' }, alice, Date.UTC(2026, 0, 1));
		return { doc, alice, bob };
	};
	const bobOn = (doc: Y.Doc, bob: string, day: string) => duesStatus(doc, day).items.find((s) => s.memberId === bob);

	it('moves where a member’s dues start, to the later of it and the dues’ start', () => {
		const { doc, alice, bob } = setup();
		// Without one, the day his device joined is all there is.
		expect(bobOn(doc, bob, '2026-03-10')).toMatchObject({ start: '2026-03-10', periods: 1 });

		expect(setMemberSince(doc, bob, '2026-01-15', alice, 5_000)).toEqual({ ok: true, changed: true });
		expect(bobOn(doc, bob, '2026-03-10')).toMatchObject({ start: '2026-01-15', periods: 2, expected: 2_000 });
		// Before the dues started, he owes from their start, not from before it.
		setMemberSince(doc, bob, '2019-06-01', bob, 6_000);
		expect(bobOn(doc, bob, '2026-03-10')).toMatchObject({ start: '2025-10-01', periods: 6 });
		// A member who joins later than today owes nothing yet.
		setMemberSince(doc, bob, '2026-04-01', bob, 7_000);
		expect(bobOn(doc, bob, '2026-03-10')).toMatchObject({ state: 'not_started', periods: 0, nextDue: '2026-04-01' });
		// Cleared, it falls back to the joining day.
		setMemberSince(doc, bob, null, alice, 8_000);
		expect(bobOn(doc, bob, '2026-03-10')).toMatchObject({ start: '2026-03-10' });
	});

	it('is recorded in the history with who set it and what it was before', () => {
		const { doc, alice, bob } = setup();
		setMemberSince(doc, bob, '2026-01-15', alice, 5_000);
		setMemberSince(doc, bob, '2026-01-20', bob, 6_000);
		expect(setMemberSince(doc, bob, '2026-01-20', bob, 7_000)).toEqual({ ok: true, changed: false });
		expect(listActivity(doc, { subjectId: bob }).items.filter((a) => a.action === 'member.since_set')).toMatchObject([
			{ by: bob, at: 6_000, summary: 'Bob', changes: [{ field: 'memberSince', from: '2026-01-15', to: '2026-01-20' }] },
			{ by: alice, at: 5_000, summary: 'Bob', changes: [{ field: 'memberSince', from: null, to: '2026-01-15' }] }
		]);
	});

	it('refuses a date that is not one, or a member who is not here, and writes nothing', () => {
		const { doc, alice, bob } = setup();
		const before = Y.encodeStateAsUpdate(doc);
		expect(setMemberSince(doc, bob, '15/01/2026', alice)).toMatchObject({ ok: false, reason: 'invalid_field', field: 'memberSince' });
		expect(setMemberSince(doc, newId<'member'>(), '2026-01-15', alice)).toEqual({ ok: false, reason: 'member_not_found' });
		expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
	});

	it('reaches the other devices, and a joining device renaming itself keeps it', () => {
		const { doc, alice, bob } = setup();
		const phone = new Y.Doc();
		syncDocs(doc, phone);
		setMemberSince(phone, bob, '2026-02-01', alice, 5_000);
		joinSpace(doc, bob, 'Bob R.', Date.UTC(2026, 2, 11));
		syncDocs(doc, phone);
		for (const replica of [doc, phone]) {
			const member = listMembers(replica).items.find((m) => m.id === bob);
			expect(member).toMatchObject({ name: 'Bob R.', memberSince: '2026-02-01' });
			expect(membershipStart(member!)).toBe('2026-02-01');
		}
	});
});
