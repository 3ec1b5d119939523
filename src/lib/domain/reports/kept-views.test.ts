/**
 * Property: what is kept between reads (the ordered ledger, the pledges grouped
 * by need, the conflicts found part by part, the history kept in order as
 * records arrive, the index of field revisions) always equals reading the same document afresh, on every
 * replica, after every random operation, partial sync, cut and reconnection.
 * A replica's views are read at every step, so its kept values are carried
 * from one step to the next and must follow each change; the fresh reading is
 * done on a copy of the document that has never been read.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyRandomTests, withNetwork } from '../../testing/network';
import { iterations, seeds } from '../../testing/random';
import { listActivity, recordActivity } from '../core/activity';
import { activityArray } from '../core/schema';
import { editConflicts } from '../core/revisions';
import { readLedger } from '../money/ledger';
import { ledgerView } from '../money/views';
import { allocatedByNeed } from '../needs/need-funding';
import { readNeeds, type Need } from '../needs/needs';
import { listPledges } from '../needs/pledges';
import { needsListView } from '../needs/views';
import { newSpace } from '../space/testing';
import { everyView, spaceOperations, startingSpace, TODAY } from './testing';
import { openConflictCount } from './views';

function views(doc: Y.Doc) {
	return {
		...everyView(doc),
		needsPage: needsListView(doc, TODAY, { status: null, kind: null, search: '' }),
		ledgerPage: ledgerPage(doc),
		badge: openConflictCount(doc, TODAY),
		decisionHistory: listActivity(doc, { subjectKind: 'decision' }),
		// The revisions' index follows the map as revisions arrive, out of order included.
		edits: editConflicts(doc),
		allocated: readNeeds(doc).items.map((need) => {
			const allocated = allocatedByNeed(doc)(need.id);
			expect(allocated, `money allocated to ${need.id}`).toBe(allocatedFromLedger(doc, need));
			return allocated;
		})
	};
}

/**
 * What reached a need beyond its delivered pledges, from the whole ledger as
 * the ledger page shows it and every pledge: what the needs list's shorter
 * path must equal. Received (delivered pledges, earmarked money in other than
 * their own entries) or spent, whichever is more.
 */
function allocatedFromLedger(doc: Y.Doc, need: Need): number {
	if (need.kind !== 'money') return 0;
	const delivered = listPledges(doc, { needId: need.id }).items.filter((p) => p.deliveredOn !== null && Number.isInteger(p.amount));
	const deliveredIds = new Set<string>(delivered.map((p) => p.id));
	const pledged = delivered.reduce((sum, p) => sum + p.amount, 0);
	let earmarked = 0;
	let spent = 0;
	for (const e of readLedger(doc).items) {
		if (e.needId !== need.id || e.currency !== need.unit) continue;
		const amount = e.reverses === null ? e.amount : -e.amount;
		const inward = e.reverses === null ? e.direction === 'in' : e.direction === 'out';
		if (!inward) spent += amount;
		else if (!e.pledgeId || !deliveredIds.has(e.pledgeId)) earmarked += amount;
	}
	return Math.max(pledged + Math.max(0, earmarked), Math.max(0, spent)) - pledged;
}

function ledgerPage(doc: Y.Doc) {
	const { entries, totals, unreadable, row } = ledgerView(doc, {}, { needs: () => [], decisions: () => [] });
	return { entries, totals, unreadable, rows: entries.map(row) };
}

function afresh(doc: Y.Doc): Y.Doc {
	const copy = new Y.Doc();
	Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
	return copy;
}

describe('kept views', () => {
	for (const seed of seeds([1, 2, 3, 4, 5, 6, 7, 8])) {
		it(`equal a fresh reading on every replica after every step (seed ${seed})`, { timeout: 60_000 }, () => {
			withNetwork(3, seed, (network) => {
				const { doc: origin, members } = startingSpace();
				network.startFrom(origin);
				applyRandomTests(network, spaceOperations(members), iterations(80), {
					afterStep: (net) => {
						for (const replica of net.replicas) {
							const kept = views(replica.doc);
							const fresh = views(afresh(replica.doc));
							for (const key of Object.keys(kept) as (keyof typeof kept)[]) expect(kept[key], key).toEqual(fresh[key]);
						}
					}
				});
			});
		});
	}

	it('history follows records that arrive out of order and records that go away', () => {
		const { doc, by } = newSpace();
		const record = (at: number) => recordActivity(doc, { at, by, action: 'resource.created', subjectKind: 'resource', subjectId: `r${at}` });
		for (const at of [5, 1, 9]) doc.transact(() => record(1_700_000_000_000 + at));
		expect(listActivity(doc)).toEqual(listActivity(afresh(doc)));
		// Many at once, older and newer than what is there, and one that does not read.
		doc.transact(() => {
			for (let i = 0; i < 100; i++) record(1_700_000_000_000 + ((i * 37) % 200));
			activityArray(doc).push([{ junk: true }]);
		});
		expect(listActivity(doc)).toEqual(listActivity(afresh(doc)));
		expect(listActivity(doc).unreadable).toBe(1);
		// This app never deletes a record; another client might.
		activityArray(doc).delete(0, 3);
		expect(listActivity(doc)).toEqual(listActivity(afresh(doc)));
		doc.transact(() => record(1_700_000_000_003));
		expect(listActivity(doc)).toEqual(listActivity(afresh(doc)));
	});
});
