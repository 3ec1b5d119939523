/**
 * The proposal form's values as typed (all strings, so a draft survives a
 * reload whole), and their reading into what `createDecision` takes. Reading
 * stops at the first problem and names it, so the form can say what to fix;
 * the domain still checks everything again.
 */
import { ROLES, type DecisionInput, type EffectInput } from '../../domain/decisions';
import * as v from 'valibot';
import { entityId } from '../../domain/core';
import { readMoney } from '../amount-input';

export const ALLOCATION_KINDS = ['money', 'booking', 'close_need', 'role'] as const;
export type AllocationKind = (typeof ALLOCATION_KINDS)[number];

export interface AllocationDraft {
	kind: AllocationKind;
	fundId: string;
	amount: string;
	needId: string;
	budgetLineId: string;
	resourceId: string;
	/** datetime-local values, YYYY-MM-DDTHH:MM in the device's time zone. */
	start: string;
	end: string;
	toKind: 'member' | 'collective';
	toMember: string;
	toName: string;
	/** For a role: which one, and whether it is given or taken back; the member is `toMember`. */
	role: string;
	roleChange: 'grant' | 'revoke';
}

export interface DecisionDraft {
	title: string;
	proposal: string;
	process: 'consent' | 'vote' | 'poll';
	majority: 'simple' | 'two_thirds';
	quorum: string;
	options: string[];
	multiple: boolean;
	closesAt: string;
	reviewOn: string;
	allocations: AllocationDraft[];
}

export type AllocationProblem = 'fund' | 'amount' | 'resource' | 'slot' | 'recipient' | 'need' | 'role';

export type DraftProblem =
	| { field: 'title' | 'closesAt' | 'quorum' | 'options' | 'options_twice' | 'reviewOn' }
	| { field: 'allocation'; index: number; problem: AllocationProblem };

export type DraftReading = { ok: true; input: DecisionInput } | { ok: false; problem: DraftProblem };

/** What the form needs to know about the funds it offers. */
export type FundCurrency = (fundId: string) => string | null;

const DAY = 86_400_000;

/** A datetime-local value for the moment, in the device's time zone. */
export function localDateTime(ms: number): string {
	const d = new Date(ms);
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Reads a datetime-local value; null when empty or not a moment. */
export function parseLocalDateTime(value: string): number | null {
	if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return null;
	const ms = new Date(value).getTime();
	return Number.isFinite(ms) ? ms : null;
}

/** An empty proposal: consent, closing in a week at the start of the hour. */
export function blankDecision(now: number): DecisionDraft {
	const inAWeek = new Date(now + 7 * DAY);
	inAWeek.setMinutes(0, 0, 0);
	return {
		title: '',
		proposal: '',
		process: 'consent',
		majority: 'simple',
		quorum: '',
		options: ['', ''],
		multiple: false,
		closesAt: localDateTime(inAWeek.getTime()),
		reviewOn: '',
		allocations: []
	};
}

export function blankAllocation(kind: AllocationKind = 'money'): AllocationDraft {
	return {
		kind,
		fundId: '',
		amount: '',
		needId: '',
		budgetLineId: '',
		resourceId: '',
		start: '',
		end: '',
		toKind: 'collective',
		toMember: '',
		toName: '',
		role: '',
		roleChange: 'grant'
	};
}

const ids = {
	fund: entityId<'fund'>(),
	line: entityId<'budget-line'>(),
	need: entityId<'need'>(),
	resource: entityId<'resource'>(),
	member: entityId<'member'>()
};

/** A picked id, null when nothing is picked, undefined when what is there is not an id. */
function picked<T>(schema: v.GenericSchema<unknown, T>, value: string): T | null | undefined {
	if (value === '') return null;
	const read = v.safeParse(schema, value);
	return read.success ? read.output : undefined;
}

export function readAllocation(
	draft: AllocationDraft,
	index: number,
	fundCurrency: FundCurrency
): { ok: true; effect: EffectInput } | { ok: false; problem: DraftProblem } {
	const fail = (problem: AllocationProblem) =>
		({ ok: false, problem: { field: 'allocation', index, problem } }) as const;
	if (draft.kind === 'money') {
		const fundId = picked(ids.fund, draft.fundId);
		const currency = fundId ? fundCurrency(fundId) : null;
		const budgetLineId = picked(ids.line, draft.budgetLineId);
		if (!fundId || !currency || budgetLineId === undefined) return fail('fund');
		const amount = readMoney(draft.amount, currency);
		if (!amount.ok) return fail('amount');
		const needId = picked(ids.need, draft.needId);
		if (needId === undefined) return fail('need');
		return { ok: true, effect: { kind: 'money', fundId, amount: amount.amount, currency, needId, budgetLineId } };
	}
	if (draft.kind === 'booking') {
		const resourceId = picked(ids.resource, draft.resourceId);
		if (!resourceId) return fail('resource');
		const start = parseLocalDateTime(draft.start);
		const end = parseLocalDateTime(draft.end);
		if (start === null || end === null || end <= start) return fail('slot');
		const name = draft.toName.trim();
		if (draft.toKind === 'member') {
			const memberId = picked(ids.member, draft.toMember);
			if (!memberId) return fail('recipient');
			return { ok: true, effect: { kind: 'booking', resourceId, start, end, to: { kind: 'member', memberId } } };
		}
		if (name === '') return fail('recipient');
		return { ok: true, effect: { kind: 'booking', resourceId, start, end, to: { kind: 'collective', name } } };
	}
	if (draft.kind === 'role') {
		const memberId = picked(ids.member, draft.toMember);
		const role = ROLES.find((r) => r === draft.role);
		if (!memberId || !role) return fail('role');
		return { ok: true, effect: { kind: 'role', role, memberId, change: draft.roleChange === 'revoke' ? 'revoke' : 'grant' } };
	}
	const needId = picked(ids.need, draft.needId);
	if (!needId) return fail('need');
	return { ok: true, effect: { kind: 'close_need', needId } };
}

/** Reads the whole form; `now` decides whether the closing date is still ahead. */
export function readDecisionDraft(draft: DecisionDraft, fundCurrency: FundCurrency, now: number): DraftReading {
	const fail = (field: 'title' | 'closesAt' | 'quorum' | 'options' | 'options_twice' | 'reviewOn') =>
		({ ok: false, problem: { field } }) as const;
	const title = draft.title.trim();
	if (title === '' || title.length > 200) return fail('title');
	const closesAt = parseLocalDateTime(draft.closesAt);
	if (closesAt === null || closesAt <= now) return fail('closesAt');
	const quorumText = draft.quorum.trim();
	const quorum = quorumText === '' ? 0 : Number(quorumText);
	if (!Number.isSafeInteger(quorum) || quorum < 0 || quorum > 100_000) return fail('quorum');
	if (draft.reviewOn !== '' && !/^\d{4}-\d{2}-\d{2}$/.test(draft.reviewOn)) return fail('reviewOn');
	const allocations: EffectInput[] = [];
	for (const [index, allocation] of draft.allocations.entries()) {
		const read = readAllocation(allocation, index, fundCurrency);
		if (!read.ok) return read;
		allocations.push(read.effect);
	}
	const common = {
		title,
		proposal: draft.proposal.trim(),
		closesAt,
		reviewOn: draft.reviewOn || null,
		quorum,
		allocations
	};
	if (draft.process === 'consent') return { ok: true, input: { ...common, process: 'consent' } };
	if (draft.process === 'vote') return { ok: true, input: { ...common, process: 'vote', majority: draft.majority } };
	const options = draft.options.map((o) => o.trim()).filter((o) => o !== '');
	if (options.length < 2 || options.length > 20 || options.some((o) => o.length > 200)) return fail('options');
	if (new Set(options.map((o) => o.toLowerCase())).size !== options.length) return fail('options_twice');
	return { ok: true, input: { ...common, process: 'poll', options, multiple: draft.multiple } };
}

/**
 * A draft read back from storage, made whole: loadDraft checks only the top
 * level, so lists are checked here item by item.
 */
export function restoreDraft(stored: DecisionDraft, fallback: DecisionDraft): DecisionDraft {
	const options = Array.isArray(stored.options) ? stored.options.filter((o): o is string => typeof o === 'string') : [];
	const allocations = Array.isArray(stored.allocations)
		? stored.allocations
				.filter((a): a is AllocationDraft => typeof a === 'object' && a !== null && ALLOCATION_KINDS.includes(a.kind))
				.map(restoreAllocation)
		: [];
	return {
		...stored,
		process: (['consent', 'vote', 'poll'] as const).includes(stored.process) ? stored.process : fallback.process,
		majority: stored.majority === 'two_thirds' ? 'two_thirds' : 'simple',
		options: options.length >= 2 ? options : [...options, '', ''].slice(0, Math.max(2, options.length)),
		allocations
	};
}

/** One allocation read back from storage, with every field of the type the form expects. */
export function restoreAllocation(stored: AllocationDraft): AllocationDraft {
	const whole = blankAllocation(ALLOCATION_KINDS.includes(stored.kind) ? stored.kind : 'money');
	for (const key of Object.keys(whole) as (keyof AllocationDraft)[]) {
		if (typeof stored[key] === typeof whole[key]) (whole as unknown as Record<string, unknown>)[key] = stored[key];
	}
	return whole;
}
