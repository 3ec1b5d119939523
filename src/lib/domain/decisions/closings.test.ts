import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { listActivity } from '../core/activity';
import { closeDecision, conflictingClosings, resolveClosing } from './closings';
import { decisionResults } from './results';
import { assembly, propose, T0 } from './testing';
import { getDecision } from './decisions';
import { newId } from '../core/ids';
import { memberId, syncDocs } from '../space/testing';

const TODAY = '2027-01-15';

function replicas(n: number) {
	const { doc, by, members } = assembly(1);
	const id = propose(doc, by);
	const docs = [doc];
	for (let i = 1; i < n; i++) {
		const d = new Y.Doc();
		syncDocs(doc, d);
		docs.push(d);
	}
	return { docs, by, id, members };
}

function syncAll(docs: Y.Doc[]) {
	for (const a of docs) for (const b of docs) if (a !== b) syncDocs(a, b);
}

describe('closing decisions', () => {
	it('records outcome, statement, who and when, and the review date', () => {
		const { doc, by } = assembly(0);
		const id = propose(doc, by);
		const result = closeDecision(doc, id, { outcome: 'adopted', statement: ' On prête. ', reviewOn: '2027-06-01' }, by, T0 + 100);
		expect(result.ok).toBe(true);
		expect(getDecision(doc, id)).toMatchObject({
			status: 'closed',
			reviewOn: '2027-06-01',
			closing: { outcome: 'adopted', statement: 'On prête.', by, at: T0 + 100 }
		});
		expect(closeDecision(doc, id, { outcome: 'rejected' }, by)).toMatchObject({
			ok: false,
			reason: 'already_closed',
			closing: { outcome: 'adopted' }
		});
		expect(closeDecision(doc, id, { outcome: 'postponed' as never }, by)).toMatchObject({ ok: false, reason: 'invalid_field', field: 'outcome' });
		expect(listActivity(doc, { decisionId: id }).items[0]).toMatchObject({ action: 'decision.closed', by });
	});

	it('keeps both closings made offline with different outcomes, and shows the earliest', () => {
		const { docs, by, id, members } = replicas(2);
		const [a, b] = docs as [Y.Doc, Y.Doc];
		const bob = members[1]!;
		closeDecision(a, id, { outcome: 'adopted', statement: 'Adopté' }, by, T0 + 200);
		closeDecision(b, id, { outcome: 'withdrawn', statement: 'Retiré par la proposante' }, bob, T0 + 100);
		syncDocs(a, b);
		for (const doc of docs) {
			const d = getDecision(doc, id)!;
			expect(d.status).toBe('closed');
			expect(d.closings.map((c) => c.outcome)).toEqual(['withdrawn', 'adopted']);
			expect(d.closing?.outcome).toBe('withdrawn');
			expect(conflictingClosings(doc)).toMatchObject([{ decisionId: id, shown: { outcome: 'withdrawn' } }]);
			expect(decisionResults(doc, id, TODAY)?.closingConflict).toBe(true);
		}
	});

	it('sees no conflict when two devices closed alike', () => {
		const { docs, by, id } = replicas(2);
		const [a, b] = docs as [Y.Doc, Y.Doc];
		closeDecision(a, id, { outcome: 'rejected', statement: 'Non.' }, by, T0 + 100);
		closeDecision(b, id, { outcome: 'rejected', statement: 'Non. ' }, memberId(), T0 + 100);
		syncDocs(a, b);
		expect(getDecision(a, id)?.closings).toHaveLength(2);
		expect(conflictingClosings(a)).toEqual([]);
	});

	it('resolves which closing stands; a closing that was not seen reopens the question', () => {
		const { docs, by, id } = replicas(3);
		const [a, b, c] = docs as [Y.Doc, Y.Doc, Y.Doc];
		closeDecision(a, id, { outcome: 'adopted', statement: 'Oui' }, by, T0 + 200);
		const early = closeDecision(b, id, { outcome: 'rejected', statement: 'Non' }, by, T0 + 100);
		syncDocs(a, b);
		const adopted = getDecision(a, id)!.closings.find((x) => x.outcome === 'adopted')!;
		resolveClosing(a, id, adopted.id, by, T0 + 300);
		syncDocs(a, b);
		for (const doc of [a, b]) {
			expect(getDecision(doc, id)?.closing?.id).toBe(adopted.id);
			expect(getDecision(doc, id)?.resolution).toMatchObject({ closingId: adopted.id, by });
			expect(conflictingClosings(doc)).toEqual([]);
		}
		expect(early.ok && getDecision(a, id)?.closings.some((x) => x.id === early.closingId)).toBe(true);
		// A third phone, offline all along, closed too.
		closeDecision(c, id, { outcome: 'withdrawn' }, by, T0 + 250);
		syncAll(docs);
		for (const doc of docs) {
			expect(conflictingClosings(doc).map((x) => x.closings.length)).toEqual([3]);
			expect(getDecision(doc, id)?.closing?.id).toBe(adopted.id);
		}
		expect(resolveClosing(a, id, newId<'closing'>(), by)).toEqual({ ok: false, reason: 'closing_not_found' });
	});
});
