import { describe, expect, it } from 'vitest';
import { listActivity } from '$lib/domain/core';
import { setMemberSince } from '$lib/domain/space';
import { newSpace } from '$lib/domain/space/testing';
import { baseLocale, overwriteGetLocale } from '$lib/paraglide/runtime';
import { actionLabel } from '../activity-labels';
import { recordChanges } from '../reports/changes';

describe('a membership date in the history', () => {
	it('says who set it and what it became, in the reader’s language', () => {
		const { doc, by } = newSpace();
		setMemberSince(doc, by, '2025-10-01', by, 5_000);
		setMemberSince(doc, by, '2025-09-15', by, 6_000);
		const [last, first] = listActivity(doc, { subjectId: by }).items.filter((a) => a.action === 'member.since_set');
		try {
			overwriteGetLocale(() => 'fr');
			expect(actionLabel(last!.action)).toBe("a indiqué une date d'adhésion");
			expect(recordChanges(doc, first!).map((t) => t.replace(/\s+/g, ' '))).toEqual(["Date d'adhésion : 1 oct. 2025"]);
			expect(recordChanges(doc, last!).map((t) => t.replace(/\s+/g, ' '))).toEqual(["Date d'adhésion : 1 oct. 2025 → 15 sept. 2025"]);
			overwriteGetLocale(() => 'it');
			expect(actionLabel(last!.action)).toBe('ha indicato una data di adesione');
			expect(recordChanges(doc, first!)[0]).toMatch(/^Data di adesione/);
			overwriteGetLocale(() => 'en');
			expect(recordChanges(doc, first!)[0]).toMatch(/^Membership date/);
		} finally {
			overwriteGetLocale(() => baseLocale);
		}
	});
});
