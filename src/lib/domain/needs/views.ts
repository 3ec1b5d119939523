/**
 * What the needs pages show, as pure functions of the document: the list of
 * needs with their progress, and one need with its pledges, who made them and
 * the money allocated to it. The joins of needs, pledges, the ledger, the
 * inventory and the members happen here, once, so that every page and every
 * test read the same numbers.
 */
import type * as Y from 'yjs';
import type { LedgerEntryId, NeedId, PledgeId } from '../core/ids';
import { ledgerMap } from '../core/schema';
import { derivedEntryId } from '../money/ledger';
import { listResources } from '../inventory/resources';
import { memberName } from '../space/space';
import { currentMembers } from '../space/without-device';
import { listFunds } from '../money/funds';
import { allocatedByNeed, fundingByNeed } from './need-funding';
import { getNeed, type NeedKind, type NeedStatus } from './needs';
import { pledgesOfNeed } from './pledges';
import { listNeeds, needPledges, progressOf, type PledgeView } from './progress';

/** The list's filters, as the page's fields hold them: plain data, so a kept view can be keyed by them. */
export interface NeedsListFilter {
	status: NeedStatus | null;
	kind: NeedKind | null;
	search: string;
}

/**
 * The needs matching `filter`, open ones first (see `listNeeds`), each with its
 * progress on `today`, money allocated by decisions counted as delivered.
 */
export function needsListView(doc: Y.Doc, today: string, filter: NeedsListFilter) {
	const allocated = allocatedByNeed(doc);
	const list = listNeeds(doc, {
		status: filter.status,
		kind: filter.kind,
		search: filter.search,
		extraDelivered: allocated
	});
	return {
		unreadable: list.unreadable,
		items: list.items.map((need) => ({
			id: need.id,
			title: need.title,
			kind: need.kind,
			deadline: need.deadline,
			progress: progressOf(need, pledgesOfNeed(doc, need).items, today, allocated(need.id))
		}))
	};
}

export type NeedsListView = ReturnType<typeof needsListView>;

/**
 * A pledge as the need's page lists it. `pledgerName` is the outside
 * supporter's name, or the member's; null for a member whose name has not
 * reached this device.
 */
export type PledgeRow = PledgeView & {
	pledgerName: string | null;
	/** Who wrote a pledge made for another member (a person without a phone); null when they wrote it themselves. */
	notedBy: string | null;
	/** The ledger entry its delivery recorded, when there is one. */
	entryId: LedgerEntryId | null;
};

/** One need, its progress and its pledges on `today`; null when the need is not (or not yet) here. */
export function needPageView(doc: Y.Doc, needId: NeedId, today: string) {
	const need = getNeed(doc, needId);
	if (!need) return null;
	const funding = fundingByNeed(doc, [need])(needId);
	const pledges = needPledges(doc, needId, today);
	return {
		need,
		/** What counts toward the need, part by part (need-funding.ts): the page says it. */
		funding,
		progress: progressOf(need, pledges.items, today, funding.extra),
		/** Open funds in the need's currency, where a delivered money pledge's money may be recorded. */
		funds: need.kind === 'money' ? listFunds(doc).items.filter((f) => f.currency === need.unit).map((f) => ({ id: f.id, name: f.name })) : [],
		pledges: {
			unreadable: pledges.unreadable,
			items: pledges.items.map(
				(pledge): PledgeRow => ({
					...pledge,
					pledgerName: pledge.memberId === null ? pledge.supporterName : memberName(doc, pledge.memberId),
					// A pledge made through someone else (for a person without a phone) says who wrote it.
					notedBy: pledge.memberId !== null && pledge.memberId !== pledge.createdBy && !pledge.federation ? memberName(doc, pledge.createdBy) : null,
					entryId: recordedEntry(doc, pledge.id)
				})
			)
		},
		/** What a pledge in kind may point at in the inventory. */
		resources: listResources(doc).items.map((r) => ({ id: r.id, name: r.name })),
		/** People without a phone, for whom a member may pledge. */
		withoutDevice: currentMembers(doc).items.filter((m) => m.addedBy !== null).map((m) => ({ id: m.id, name: m.name }))
	};
}

export type NeedPageView = NonNullable<ReturnType<typeof needPageView>>;

/** The entry a pledge's delivery wrote, if it is on this device. */
function recordedEntry(doc: Y.Doc, pledgeId: PledgeId): LedgerEntryId | null {
	const id = derivedEntryId('pledge', pledgeId);
	return ledgerMap(doc).has(id) ? id : null;
}
