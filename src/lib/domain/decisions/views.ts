/**
 * What the decision pages show, as pure functions of the document: the list
 * with each decision's state in a line, one decision with its results, what
 * its allocations did, and the names behind every id; and what the forms
 * offer to allocate. Pages only wire these to their components.
 */
import type * as Y from 'yjs';
import { checkEffect, traceAllocations, type AllocationTrace, type EffectRefusal } from './allocations';
import { getDecision, listDecisions, type DecisionFilter } from './decisions';
import { resultsOf, type DecisionResults } from './results';
import type { AllocationId, Closing, Decision, Effect } from './schema';
import type { CountedAnswer } from './tallies';
import type { Process } from './process';
import type { BudgetLineId, DecisionId, FundId, MemberId, NeedId, ResourceId } from '../core/ids';
import { compareNames } from '../core/order';
import { fundsMap, membersMap, needsMap, resourcesMap } from '../core/schema';
import { budgetLines, getFund, listFunds } from '../money/funds';
import { balancesOf, shortfallsOf, type Shortfall } from '../money/balances';
import { readLedger } from '../money/ledger';
import { getNeed, readNeeds } from '../needs/needs';
import { getResource, listResources } from '../inventory/resources';
import { memberName } from '../space/space';
import { claimsOf, currentMembers } from '../space/without-device';

/** The names behind the ids a decision shows, as this device knows them; null for one it does not know. */
export interface DecisionNames {
	member(id: MemberId): string | null;
	fund(id: FundId): string | null;
	need(id: NeedId): string | null;
	resource(id: ResourceId): string | null;
	line(fundId: FundId, lineId: BudgetLineId): string | null;
}

/**
 * Names looked up when a row asks for them, each kept once found. The maps
 * are opened now, so that a view kept until what it read changes follows a
 * renamed member or fund.
 */
export function decisionNames(doc: Y.Doc): DecisionNames {
	membersMap(doc);
	fundsMap(doc);
	needsMap(doc);
	resourcesMap(doc);
	const cache = new Map<string, string | null>();
	const once = (key: string, find: () => string | null): string | null => {
		if (!cache.has(key)) cache.set(key, find());
		return cache.get(key) ?? null;
	};
	return {
		member: (id) => once(`m:${id}`, () => memberName(doc, id)),
		fund: (id) => once(`f:${id}`, () => getFund(doc, id)?.name ?? null),
		need: (id) => once(`n:${id}`, () => getNeed(doc, id)?.title ?? null),
		resource: (id) => once(`r:${id}`, () => getResource(doc, id)?.name ?? null),
		line: (fundId, lineId) =>
			once(`l:${fundId}:${lineId}`, () => budgetLines(doc, fundId).items.find((l) => l.id === lineId)?.label ?? null)
	};
}

/** One decision as a line of the list. */
export interface DecisionListItem {
	id: DecisionId;
	title: string;
	process: Process;
	status: 'open' | 'closed';
	closesAt: number;
	reviewOn: string | null;
	/** The closing shown as the outcome, once closed. */
	closing: Closing | null;
	closingConflict: boolean;
	reviewDue: boolean;
	/** Adopted allocations not carried out yet on any device heard of. */
	pendingCount: number;
	participants: number;
	quorum: { required: number; reached: boolean };
	blockCount: number;
}

export interface DecisionsListView {
	items: DecisionListItem[];
	unreadable: number;
	/** Current members, to say how many of them took part. */
	memberCount: number;
}

/** The decisions through a filter: open ones first, soonest closing first; then closed ones, latest first. */
export function decisionsListView(doc: Y.Doc, filter: DecisionFilter, today: string): DecisionsListView {
	const read = listDecisions(doc, filter);
	const members = currentMembers(doc).items.map((m) => m.id);
	const claims = claimsOf(doc);
	return {
		unreadable: read.unreadable,
		memberCount: members.length,
		items: read.items.map((decision) => {
			const results = resultsOf(decision, members, today, claims);
			return {
				id: decision.id,
				title: decision.title,
				process: decision.process,
				status: decision.status,
				closesAt: decision.closesAt,
				reviewOn: decision.reviewOn,
				closing: decision.closing,
				closingConflict: results.closingConflict,
				reviewDue: results.reviewDue,
				pendingCount: results.pendingAllocations.length,
				participants: results.participants,
				quorum: results.quorum,
				blockCount: results.blocks.length
			};
		})
	};
}

/** A member as the tally form lists them. */
export interface MemberChoice {
	id: MemberId;
	name: string;
}

export interface DecisionPageView {
	decision: Decision;
	results: DecisionResults;
	open: boolean;
	names: DecisionNames;
	/** Current members, in the order they joined: who may raise a hand at a meeting. */
	members: MemberChoice[];
	/** How the member reading counts now: their own position, a hand at a meeting, or nothing yet. */
	mine: CountedAnswer | null;
	/** The allocations still standing, in the proposal's order: what adopting would carry out. */
	standingEffects: Effect[];
	/** Once closed, every allocation with the ledger entry or booking it produced here. */
	traces: AllocationTrace[];
	/** Why each pending allocation cannot be carried out on this device now; null when it could. */
	blocked: Map<AllocationId, EffectRefusal | null>;
	/** While open: each fund the standing allocations spend from, what it holds and what adopting would leave missing. */
	shortfalls: Shortfall[];
}

/** One decision for its page, or null when this device does not have it (or cannot read it). */
export function decisionPageView(doc: Y.Doc, decisionId: DecisionId, today: string, me: MemberId | null): DecisionPageView | null {
	const decision = getDecision(doc, decisionId);
	if (!decision) return null;
	const members = currentMembers(doc).items;
	const results = resultsOf(
		decision,
		members.map((m) => m.id),
		today,
		claimsOf(doc)
	);
	const blocked = new Map<AllocationId, EffectRefusal | null>();
	for (const a of results.pendingAllocations) blocked.set(a.id, checkEffect(doc, a.effect));
	const standingEffects = decision.allocations.filter((a) => a.withdrawnAt === null).map((a) => a.effect);
	return {
		decision,
		results,
		open: decision.status === 'open',
		names: decisionNames(doc),
		members: members.map((m) => ({ id: m.id, name: m.name })),
		mine: results.answers.find((a) => a.memberId === me) ?? null,
		standingEffects,
		traces: decision.status === 'closed' ? traceAllocations(doc, decision) : [],
		blocked,
		shortfalls: decision.status === 'open' ? effectShortfalls(doc, standingEffects) : []
	};
}

/** What carrying out `effects` would leave missing in each fund they spend from. */
export function effectShortfalls(doc: Y.Doc, effects: readonly Effect[]): Shortfall[] {
	return shortfallsOf(
		doc,
		effects.flatMap((e) => (e.kind === 'money' ? [{ fundId: e.fundId, amount: e.amount, currency: e.currency }] : []))
	);
}

/** What a proposal can allocate: open funds with their lines, needs not closed, resources, members. */
export interface AllocationChoices {
	/** Open funds, each with what it holds now: the forms say what an allocation would leave missing. */
	funds: { id: FundId; name: string; currency: string; balance: number; lines: { id: BudgetLineId; label: string }[] }[];
	needs: { id: NeedId; title: string; kind: string; unit: string }[];
	resources: { id: ResourceId; name: string }[];
	members: MemberChoice[];
}

/** Sorted by name the same way on every device. */
export function allocationChoices(doc: Y.Doc): AllocationChoices {
	const open = listFunds(doc).items;
	const balances = balancesOf(open, readLedger(doc));
	return {
		funds: open
			.map((f, i) => ({
				id: f.id,
				name: f.name,
				currency: f.currency,
				balance: balances[i]?.balance ?? 0,
				lines: budgetLines(doc, f.id)
					.items.filter((l) => l.removedAt === null)
					.map((l) => ({ id: l.id, label: l.label }))
			}))
			.sort((a, b) => compareNames(a.name, b.name)),
		needs: readNeeds(doc)
			.items.filter((n) => n.status !== 'closed')
			.map((n) => ({ id: n.id, title: n.title, kind: n.kind, unit: n.unit }))
			.sort((a, b) => compareNames(a.title, b.title)),
		resources: listResources(doc)
			.items.map((r) => ({ id: r.id, name: r.name }))
			.sort((a, b) => compareNames(a.name, b.name)),
		members: currentMembers(doc).items.map((m) => ({ id: m.id, name: m.name }))
	};
}
