/**
 * What needs attention in a collective, for its home page: the open decisions
 * and when they close (mine still missing first), dues late (mine first), food
 * expiring, bookings today and tomorrow, needs near their deadline or their
 * threshold, and what others did since the reader's last visit. Each item
 * says how urgent it is, so that a phone can show the most urgent first.
 *
 * Conflicts and changes not yet confirmed are counted elsewhere (the
 * conflicts badge, the sync status) and joined to this list by the page.
 */
import type * as Y from 'yjs';
import type { BookingId, DecisionId, MemberId, NeedId, ResourceId } from '../core/ids';
import { listActivity, type Activity } from '../core/activity';
import { listDecisions } from '../decisions/decisions';
import { resultsOf } from '../decisions/results';
import { listBookings } from '../bookings/bookings';
import { bookingRows, type BookingWho } from '../bookings/views';
import { duesStatus } from '../money/dues';
import { expiryStatus, listResources } from '../inventory/resources';
import { readNeeds } from '../needs/needs';
import { needsListView } from '../needs/views';
import { listMembers, memberName } from '../space/space';
import { claimsOf, currentMembers } from '../space/without-device';

/** How soon an item asks for something: 0 today, 1 within days, 2 worth knowing. */
export type Urgency = 0 | 1 | 2;

export type AttentionItem = { urgency: Urgency } & (
	| {
			kind: 'decision';
			decisionId: DecisionId;
			title: string;
			closesAt: number;
			/** Whether the reader has taken no position yet (nor been counted at a meeting). */
			mineMissing: boolean;
	  }
	| {
			kind: 'dues_late';
			memberId: MemberId;
			name: string | null;
			mine: boolean;
			/** What is owed, in `currency` (a positive amount). */
			owed: number;
			currency: string;
			periodsLate: number;
	  }
	| { kind: 'food_expiring'; resourceId: ResourceId; name: string; expiresOn: string; expired: boolean }
	| {
			kind: 'booking';
			bookingId: BookingId;
			resourceName: string | null;
			who: BookingWho;
			start: number;
			end: number;
			day: 'today' | 'tomorrow';
			/** Requested, not yet confirmed by a member. */
			requested: boolean;
	  }
	| { kind: 'need_deadline'; needId: NeedId; title: string; deadline: string; percentCommitted: number }
	| {
			kind: 'need_threshold';
			needId: NeedId;
			title: string;
			percentCommitted: number;
			/** Conditional pledges waiting for the threshold, in the need's unit. */
			conditional: number;
	  }
);

export interface SinceLastVisit {
	/** What others did since the last visit, newest first, at most `SINCE_SHOWN`. */
	recent: (Activity & { byName: string | null })[];
	/** How many things they did in all. */
	count: number;
}

export interface AttentionView {
	/** Most urgent first; within one urgency, soonest first. */
	items: AttentionItem[];
	/** Null on a first visit: nothing to compare with. */
	since: SinceLastVisit | null;
}

export interface AttentionInput {
	/** The reader, or null on a device not yet a member. */
	me: MemberId | null;
	/** The device's date, YYYY-MM-DD. */
	today: string;
	/** The device's clock (ms). */
	now: number;
	/** When the reader last opened this page (ms), or null for never. */
	lastVisit: number | null;
}

/** Food is flagged this many days before its date. */
export const EXPIRY_DAYS = 3;
/** A need's deadline this close (days) puts it on the list. */
export const NEED_DEADLINE_DAYS = 7;
/** A need this far committed (percent), and not yet met, is near its threshold. */
export const NEED_NEAR_PERCENT = 75;
/** How many of the others' recent actions are listed by name. */
export const SINCE_SHOWN = 5;

const DAY_MS = 86_400_000;

export function attentionView(doc: Y.Doc, input: AttentionInput): AttentionView {
	const items = [
		...decisionItems(doc, input),
		...duesItems(doc, input),
		...foodItems(doc, input.today),
		...bookingItems(doc, input.today),
		...needItems(doc, input.today)
	];
	items.sort((a, b) => a.urgency - b.urgency || soonest(a) - soonest(b));
	return { items, since: input.lastVisit === null ? null : sinceLastVisit(doc, input.me, input.lastVisit) };
}

/** Open decisions; closing within a day with the reader's position missing is for today. */
function decisionItems(doc: Y.Doc, { me, now, today }: AttentionInput): AttentionItem[] {
	const members = currentMembers(doc).items.map((m) => m.id);
	const claims = claimsOf(doc);
	const out: AttentionItem[] = [];
	for (const decision of listDecisions(doc, { status: 'open' }).items) {
		const results = resultsOf(decision, members, today, claims);
		const mineMissing = me !== null && !results.answers.some((a) => a.memberId === me);
		const closesSoon = decision.closesAt - now <= DAY_MS;
		out.push({
			kind: 'decision',
			urgency: mineMissing && closesSoon ? 0 : mineMissing || closesSoon ? 1 : 2,
			decisionId: decision.id,
			title: decision.title,
			closesAt: decision.closesAt,
			mineMissing
		});
	}
	return out;
}

/** Late dues: the reader's own come first; the others' are worth knowing. */
function duesItems(doc: Y.Doc, { me, today }: AttentionInput): AttentionItem[] {
	return duesStatus(doc, today)
		.items.filter((s) => s.state === 'late')
		.map((s) => ({
			kind: 'dues_late',
			urgency: s.memberId === me ? 0 : 2,
			memberId: s.memberId,
			name: s.name,
			mine: s.memberId === me,
			owed: -s.balance,
			currency: s.currency,
			periodsLate: s.periodsLate
		}));
}

function foodItems(doc: Y.Doc, today: string): AttentionItem[] {
	const out: AttentionItem[] = [];
	for (const resource of listResources(doc).items) {
		if (!resource.expiresOn) continue;
		const status = expiryStatus(resource, today, EXPIRY_DAYS);
		if (status !== 'expired' && status !== 'soon') continue;
		out.push({
			kind: 'food_expiring',
			urgency: status === 'expired' || resource.expiresOn === today ? 0 : 1,
			resourceId: resource.id,
			name: resource.name,
			expiresOn: resource.expiresOn,
			expired: status === 'expired'
		});
	}
	return out;
}

/** Bookings not cancelled that meet today or tomorrow, in the device's time zone. */
function bookingItems(doc: Y.Doc, today: string): AttentionItem[] {
	const startOfToday = localMidnight(today, 0);
	const startOfTomorrow = localMidnight(today, 1);
	const bookings = listBookings(doc, { from: startOfToday, to: localMidnight(today, 2) }).items.filter((b) => b.status !== 'cancelled');
	return bookingRows(doc, bookings).map((row) => {
		const day = row.booking.start < startOfTomorrow ? 'today' : 'tomorrow';
		return {
			kind: 'booking',
			urgency: day === 'today' ? 0 : 1,
			bookingId: row.booking.id,
			resourceName: row.resourceName,
			who: row.who,
			start: row.booking.start,
			end: row.booking.end,
			day,
			requested: row.booking.status === 'requested'
		};
	});
}

/** Open needs whose deadline is near, or whose pledges are near the target (with conditional ones waiting). */
function needItems(doc: Y.Doc, today: string): AttentionItem[] {
	const out: AttentionItem[] = [];
	for (const need of needsListView(doc, today, { status: 'open', kind: null, search: '' }).items) {
		const { percentCommitted, conditional } = need.progress;
		if (need.deadline !== null && need.deadline >= today && daysBetween(today, need.deadline) <= NEED_DEADLINE_DAYS) {
			out.push({ kind: 'need_deadline', urgency: need.deadline === today ? 0 : 1, needId: need.id, title: need.title, deadline: need.deadline, percentCommitted });
		} else if (percentCommitted >= NEED_NEAR_PERCENT && percentCommitted < 100) {
			out.push({ kind: 'need_threshold', urgency: 2, needId: need.id, title: need.title, percentCommitted, conditional });
		}
	}
	return out;
}

function sinceLastVisit(doc: Y.Doc, me: MemberId | null, lastVisit: number): SinceLastVisit {
	// Newest first already.
	const others = listActivity(doc, { from: lastVisit + 1 }).items.filter((a) => a.by !== me);
	const names = new Map<MemberId, string | null>();
	const nameOf = (id: MemberId) => {
		if (!names.has(id)) names.set(id, memberName(doc, id));
		return names.get(id) ?? null;
	};
	return { count: others.length, recent: others.slice(0, SINCE_SHOWN).map((a) => ({ ...a, byName: nameOf(a.by) })) };
}

/** The moment an item is about, to order items of one urgency: the soonest first. */
function soonest(item: AttentionItem): number {
	switch (item.kind) {
		case 'decision':
			return item.closesAt;
		case 'booking':
			return item.start;
		case 'food_expiring':
			return localMidnight(item.expiresOn, 0);
		case 'need_deadline':
			return localMidnight(item.deadline, 0);
		// Owed for longest first; then the needs closest to their target, after anything dated.
		case 'dues_late':
			return item.mine ? -Infinity : -item.periodsLate;
		case 'need_threshold':
			return Number.MAX_SAFE_INTEGER - item.percentCommitted;
	}
}

/** Midnight `days` after the YYYY-MM-DD `date`, in the device's time zone. */
function localMidnight(date: string, days: number): number {
	return new Date(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)) + days).getTime();
}

function daysBetween(from: string, to: string): number {
	return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** The first steps of a new collective, and which are done: someone invited, something held, a need recorded. */
export function firstSteps(doc: Y.Doc): { invited: boolean; holds: boolean; needs: boolean } {
	return {
		// Only a device joins by invite: people added by hand do not say anyone was invited.
		invited: listMembers(doc).items.filter((m) => m.addedBy === null).length > 1,
		holds: listResources(doc).items.length > 0,
		needs: readNeeds(doc).items.length > 0
	};
}
