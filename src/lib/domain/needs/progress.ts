/**
 * Derived views over needs and their pledges: progress toward a target, the
 * status to show, the list of needs, caps passed after a merge. Nothing here
 * is stored; all of it is computed on read from the document, so every
 * replica holding the same data shows the same numbers.
 *
 * Money can reach a need other than by pledges: an allocation from a fund,
 * written in the ledger. This module does not read the ledger; callers add
 * that money through `extraDelivered` (a number for one need, a function of
 * the need's id for many). It counts as delivered: toward the target, the
 * 'met' status and the cap, but not toward conditional thresholds, which
 * are about pledges made by a date.
 */
import type * as Y from 'yjs';
import type { NeedId, PledgeId } from '../core/ids';
import { getNeed, readNeeds, type Need, type NeedKind, type NeedStatus } from './needs';
import { byCreation, counts, isContested, pledgeStates, sum, type PledgeState } from './pledge-state';
import type { Pledge } from './pledge';
import { fitsNeed, listPledges, pledgesOfNeed } from './pledges';
import { localDate } from '../core/dates';
import { compareIds } from '../core/order';
import type { ReadResult } from '../core/schema';

export interface NeedProgress {
	needId: NeedId;
	kind: NeedKind;
	unit: string;
	target: number;
	cap: number | null;
	/** Delivered pledges plus `extraDelivered`. */
	delivered: number;
	/** Of `delivered`, what came other than by pledges. */
	extraDelivered: number;
	/** Firm and not yet delivered: plain pledges and converted conditional ones. */
	promised: number;
	/** Conditional pledges still waiting for their threshold. */
	conditional: number;
	lapsed: number;
	withdrawn: number;
	/** Distinct members and outside supporters behind delivered, firm or conditional pledges. */
	supporters: number;
	/** What is still neither delivered nor firmly promised: target − delivered − promised, at least 0. */
	gap: number;
	/** Delivered / target, in whole percent rounded down (99.9 % shows as 99), may pass 100. */
	percentDelivered: number;
	/** (Delivered + promised) / target, likewise. */
	percentCommitted: number;
	/** How far delivered + promised + conditional goes past the cap; 0 when it does not. */
	overCap: number;
	/** The status to show: closed by hand, met by hand or by deliveries, else open. */
	status: NeedStatus;
	/** Pledges marked both delivered and withdrawn on devices that had not met. */
	contested: number;
	/** Pledges of this need that could not be read. */
	unreadable: number;
}

/** Progress of one need on `today` (YYYY-MM-DD), or undefined if the need is missing or unreadable. */
export function needProgress(doc: Y.Doc, needId: NeedId, today: string, extraDelivered = 0): NeedProgress | undefined {
	const need = getNeed(doc, needId);
	if (!need) return undefined;
	const { items, unreadable } = pledgesOfNeed(doc, need);
	return { ...progressOf(need, items, today, extraDelivered), unreadable };
}

/** The same from values already read: `pledges` are all the pledges of `need`. */
export function progressOf(
	need: Need,
	pledges: readonly Pledge[],
	today: string,
	extraDelivered = 0
): Omit<NeedProgress, 'unreadable'> {
	const states = pledgeStates(need, pledges, today);
	const totals = new Map<PledgeState, number[]>();
	const supporters = new Set<string>();
	for (const p of pledges) {
		const state = states.get(p.id) ?? 'withdrawn';
		const amounts = totals.get(state);
		if (amounts) amounts.push(p.amount);
		else totals.set(state, [p.amount]);
		if (counts(state)) supporters.add(p.memberId ?? `~${fold(p.supporterName)}`);
	}
	const total = (...of: PledgeState[]) => sum(of.flatMap((s) => totals.get(s) ?? []));
	const delivered = sum([total('delivered'), extraDelivered]);
	const promised = total('promised', 'converted');
	const conditional = total('conditional');
	const committed = sum([delivered, promised]);
	// Rounded to a millionth first, so that 0.7 kg of 0.7 kg is 100 %, never 99.
	const percent = (part: number) => Math.floor(Number(((part * 100) / need.target).toFixed(6)));
	return {
		needId: need.id,
		kind: need.kind,
		unit: need.unit,
		target: need.target,
		cap: need.cap,
		delivered,
		extraDelivered,
		promised,
		conditional,
		lapsed: total('lapsed'),
		withdrawn: total('withdrawn'),
		supporters: supporters.size,
		gap: Math.max(0, sum([need.target, -committed])),
		percentDelivered: percent(delivered),
		percentCommitted: percent(committed),
		overCap: need.cap === null ? 0 : Math.max(0, sum([committed, conditional, -need.cap])),
		status: needStatus(need, delivered),
		contested: pledges.filter(isContested).length
	};
}

/**
 * 'closed' if closed by hand; 'met' if marked met by hand or if what was
 * delivered reaches the target; else 'open'.
 */
export function needStatus(need: Pick<Need, 'status' | 'target'>, delivered: number): NeedStatus {
	if (need.status === 'closed') return 'closed';
	if (need.status === 'met' || delivered >= need.target) return 'met';
	return 'open';
}

export type PledgeView = Pledge & { state: PledgeState; contested: boolean };

/** The pledges of a need with their state on `today`, in order of creation. */
export function needPledges(doc: Y.Doc, needId: NeedId, today: string): ReadResult<PledgeView> {
	const need = getNeed(doc, needId);
	if (!need) return { items: [], unreadable: 0 };
	const { items, unreadable } = pledgesOfNeed(doc, need);
	const states = pledgeStates(need, items, today);
	return {
		items: items.map((p) => ({ ...p, state: states.get(p.id) ?? 'withdrawn', contested: isContested(p) })),
		unreadable
	};
}

export interface CapOverflow {
	needId: NeedId;
	cap: number;
	/** Delivered (with `extraDelivered`), firm and conditional pledges. */
	total: number;
	over: number;
	/** The pledges that count toward the cap, in order of creation. */
	pledges: Pledge[];
	/** Those that, taken in that order after `extraDelivered`, no longer fit under the cap. */
	beyond: PledgeId[];
}

/**
 * A cap passed once offline pledges met, or null. Such a need belongs on the
 * conflicts list: people decide which pledges to turn down or whether to
 * raise the cap; nothing is dropped automatically.
 */
export function overCap(doc: Y.Doc, needId: NeedId, today = localDate(), extraDelivered = 0): CapOverflow | null {
	const need = getNeed(doc, needId);
	return need ? overflowOf(need, pledgesOfNeed(doc, need).items, today, extraDelivered) : null;
}

/** Every need whose cap is passed, oldest need first. */
export function needsOverCap(
	doc: Y.Doc,
	today = localDate(),
	extraDelivered: (needId: NeedId) => number = () => 0
): CapOverflow[] {
	const byNeed = groupByNeed(listPledges(doc).items);
	return byCreation(readNeeds(doc).items)
		.map((need) => overflowOf(need, (byNeed.get(need.id) ?? []).filter((p) => fitsNeed(need, p)), today, extraDelivered(need.id)))
		.filter((overflow): overflow is CapOverflow => overflow !== null);
}

function overflowOf(need: Need, pledges: readonly Pledge[], today: string, extraDelivered: number): CapOverflow | null {
	if (need.cap === null) return null;
	const states = pledgeStates(need, pledges, today);
	const counting = byCreation(pledges.filter((p) => counts(states.get(p.id) ?? 'withdrawn')));
	const total = sum([extraDelivered, ...counting.map((p) => p.amount)]);
	if (total <= need.cap) return null;
	const beyond: PledgeId[] = [];
	let running = extraDelivered;
	for (const p of counting) {
		running = sum([running, p.amount]);
		if (running > need.cap) beyond.push(p.id);
	}
	return { needId: need.id, cap: need.cap, total, over: sum([total, -need.cap]), pledges: counting, beyond };
}

export interface NeedFilter {
	/** Matched against the status to show, not only the one set by hand. */
	status?: NeedStatus | null;
	kind?: NeedKind | null;
	/** Free text in title and description, without regard to case or accents. */
	search?: string;
	/** Money that reached each need other than by pledges (see the module's comment). */
	extraDelivered?: (needId: NeedId) => number;
}

export type ListedNeed = Need & { effectiveStatus: NeedStatus };

const STATUS_ORDER: Record<NeedStatus, number> = { open: 0, met: 1, closed: 2 };

/**
 * Open needs first, then met, then closed; within each, the nearest deadline
 * first and needs without one last; then oldest first. Ties end on the id,
 * so every replica lists in the same order.
 */
export function listNeeds(doc: Y.Doc, filter: NeedFilter = {}): ReadResult<ListedNeed> {
	const { items, unreadable } = readNeeds(doc);
	const byNeed = groupByNeed(listPledges(doc).items);
	const needle = fold(filter.search ?? '');
	const listed = items
		.filter(
			(n) =>
				(!filter.kind || n.kind === filter.kind) &&
				(needle === '' || fold(`${n.title} ${n.description}`).includes(needle))
		)
		.map((n): ListedNeed => {
			const delivered = (byNeed.get(n.id) ?? [])
				.filter((p) => p.deliveredOn !== null && fitsNeed(n, p))
				.map((p) => p.amount);
			const extra = filter.extraDelivered?.(n.id) ?? 0;
			return { ...n, effectiveStatus: needStatus(n, sum([...delivered, extra])) };
		})
		.filter((n) => !filter.status || n.effectiveStatus === filter.status);
	listed.sort(
		(a, b) =>
			STATUS_ORDER[a.effectiveStatus] - STATUS_ORDER[b.effectiveStatus] ||
			compareDeadlines(a.deadline, b.deadline) ||
			a.createdAt - b.createdAt ||
			compareIds(a.id, b.id)
	);
	return { items: listed, unreadable };
}

function compareDeadlines(a: string | null, b: string | null): number {
	if (a === b) return 0;
	if (a === null) return 1;
	if (b === null) return -1;
	return a < b ? -1 : 1;
}

function groupByNeed(pledges: readonly Pledge[]): Map<string, Pledge[]> {
	const groups = new Map<string, Pledge[]>();
	for (const p of pledges) {
		const group = groups.get(p.needId);
		if (group) group.push(p);
		else groups.set(p.needId, [p]);
	}
	return groups;
}

function fold(text: string): string {
	return text.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase().trim();
}
