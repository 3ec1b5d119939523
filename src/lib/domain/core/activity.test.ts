import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { listActivity, recordActivity } from './activity';
import { newId } from './ids';
import { activityArray } from './schema';
import { memberId, syncDocs } from '../space/testing';

describe('activity', () => {
	it('keeps every record appended on partitioned replicas, newest first, filterable', () => {
		const a = new Y.Doc();
		const b = new Y.Doc();
		const alice = memberId();
		const bob = memberId();
		const decision = newId<'decision'>();
		recordActivity(a, { at: 10, by: alice, action: 'need.created', subjectKind: 'need', subjectId: 'n1', summary: 'Riz' });
		recordActivity(b, { at: 20, by: bob, action: 'ledger.created', subjectKind: 'ledger', subjectId: 'l1', decisionId: decision });
		syncDocs(a, b);
		for (const doc of [a, b]) {
			expect(listActivity(doc).items.map((x) => x.action)).toEqual(['ledger.created', 'need.created']);
			expect(listActivity(doc, { by: alice }).items).toHaveLength(1);
			expect(listActivity(doc, { decisionId: decision }).items[0]?.subjectId).toBe('l1');
			expect(listActivity(doc, { from: 15 }).items).toHaveLength(1);
			expect(listActivity(doc, { subjectKind: 'need' }).items[0]?.summary).toBe('Riz');
		}
	});

	it('skips and counts unreadable records', () => {
		const doc = new Y.Doc();
		activityArray(doc).push(['junk', { id: 'x' }]);
		recordActivity(doc, { at: 1, by: memberId(), action: 'space.created', subjectKind: 'space', subjectId: 's' });
		expect(listActivity(doc)).toMatchObject({ unreadable: 2, items: [{ action: 'space.created' }] });
	});
});
