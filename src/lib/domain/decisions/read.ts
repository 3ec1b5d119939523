/**
 * Reading a decision back from the document. Each nested entry is checked on
 * its own: a garbage comment or position is skipped and counted in
 * `unreadableParts`, it does not hide the decision.
 */
import * as v from 'valibot';
import * as Y from 'yjs';
import { choicesOf, validChoices, type Process } from './process';
import {
	AllocationSchema,
	ClosingSchema,
	CommentSchema,
	CoreSchema,
	ExecutionSchema,
	PositionSchema,
	ResolutionSchema,
	TallySchema,
	type Allocation,
	type AllocationId,
	type Closing,
	type Comment,
	type CoreKey,
	type Decision,
	type Position,
	type Resolution,
	type Tally
} from './schema';
import type { DecisionId, MemberId } from '../core/ids';
import { decisionsMap, DomainError, plainValue } from '../core/schema';

export const NESTED = ['comments', 'positions', 'tallies', 'allocations', 'closings', 'executions'] as const;

/** Reads a decision, or undefined when its own fields or containers are unreadable. */
export function readDecision(key: string, value: unknown): Decision | undefined {
	if (!(value instanceof Y.Map)) return undefined;
	const core = v.safeParse(CoreSchema, plainFields(value));
	if (!core.success || core.output.id !== key) return undefined;
	const comments = value.get('comments');
	const positions = value.get('positions');
	const tallies = value.get('tallies');
	const allocations = value.get('allocations');
	const closings = value.get('closings');
	const executions = value.get('executions');
	if (!(comments instanceof Y.Array) || !(positions instanceof Y.Array)) return undefined;
	if (!(tallies instanceof Y.Map) || !(allocations instanceof Y.Map)) return undefined;
	if (!(closings instanceof Y.Map) || !(executions instanceof Y.Map)) return undefined;
	const process = core.output.process as Process;
	let unreadable = 0;
	const keep = <T>(items: Array<T | undefined>): T[] => {
		const kept = items.filter((x): x is T => x !== undefined);
		unreadable += items.length - kept.length;
		return kept;
	};
	const parse = <S extends v.GenericSchema>(schema: S, raw: unknown, key?: string) => {
		const plain = plainValue(raw);
		const parsed = v.safeParse(schema, plain);
		if (!parsed.success) return undefined;
		const out = parsed.output as { id?: unknown };
		return key !== undefined && out.id !== key ? undefined : parsed.output;
	};
	const readPositions = keep(
		positions.toArray().map((raw) => {
			const p = parse(PositionSchema, raw) as Position | undefined;
			return p && validChoices(process, p.choices) ? p : undefined;
		})
	).sort(byTimeThenId);
	const readTallies = keep(
		[...tallies.entries()].map(([k, raw]) => {
			const t = parse(TallySchema, raw, k) as Tally | undefined;
			return t && tallyFits(process, t) ? t : undefined;
		})
	).sort(byTimeThenId);
	const readClosings = keep([...closings.entries()].map(([k, raw]) => parse(ClosingSchema, raw, k) as Closing | undefined)).sort(
		byTimeThenId
	);
	const executed = new Map<AllocationId, { by: MemberId; at: number }>();
	for (const [k, raw] of executions.entries()) {
		const e = parse(ExecutionSchema, raw);
		if (e) executed.set(k as AllocationId, e as { by: MemberId; at: number });
		else unreadable++;
	}
	const resolutionRaw = value.get('resolution');
	const resolution = resolutionRaw == null ? null : ((parse(ResolutionSchema, resolutionRaw) as Resolution | undefined) ?? null);
	if (resolutionRaw != null && resolution === null) unreadable++;
	const decision: Decision = {
		...(core.output as unknown as Pick<Decision, CoreKey>),
		process,
		comments: keep(comments.toArray().map((raw) => parse(CommentSchema, raw) as Comment | undefined)).sort(byTimeThenId),
		positions: readPositions,
		tallies: readTallies,
		allocations: keep(
			[...allocations.entries()].map(([k, raw]) => parse(AllocationSchema, raw, k) as Allocation | undefined)
		).sort((a, b) => a.declaredAt - b.declaredAt || a.seq - b.seq || compareIds(a.id, b.id)),
		closings: readClosings,
		executions: executed,
		resolution,
		status: readClosings.length > 0 ? 'closed' : 'open',
		closing: null,
		unreadableParts: 0
	};
	decision.closing = shownClosing(decision.closings, resolution);
	decision.unreadableParts = unreadable;
	return decision;
}

/**
 * The closing shown as the outcome: the one people kept when they resolved a
 * disagreement, else the earliest (by time, then id), the same on every replica.
 */
export function shownClosing(closings: readonly Closing[], resolution: Resolution | null): Closing | null {
	const kept = resolution && closings.find((c) => c.id === resolution.closingId);
	return kept ?? closings[0] ?? null;
}

/** The decision's Y.Map, for writes; a missing or unreadable decision is a caller bug. */
export function decisionEntry(doc: Y.Doc, id: DecisionId): { entry: Y.Map<unknown>; decision: Decision } {
	const entry = decisionsMap(doc).get(id);
	if (!(entry instanceof Y.Map)) throw new DomainError('decision_not_found', `No decision ${id}`);
	const decision = readDecision(id, entry);
	if (!decision) throw new DomainError('decision_unreadable', `Decision ${id} cannot be read`);
	return { entry, decision };
}

/** A nested container of a decision known to be readable. */
export function nested<T extends Y.Map<unknown> | Y.Array<unknown>>(entry: Y.Map<unknown>, key: (typeof NESTED)[number]): T {
	return entry.get(key) as T;
}

export function compareIds(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

function byTimeThenId<T extends { at: number; id: string }>(a: T, b: T): number {
	return a.at - b.at || compareIds(a.id, b.id);
}

function tallyFits(process: Process, tally: Tally): boolean {
	const allowed = choicesOf(process);
	const anonymousOk = Object.keys(tally.anonymous).every((c) => allowed.includes(c) && c !== 'block');
	return anonymousOk && tally.hands.every((h) => validChoices(process, h.choices));
}

function plainFields(entry: Y.Map<unknown>): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [key, value] of entry.entries()) {
		if (!(value instanceof Y.AbstractType)) out[key] = value;
	}
	return out;
}
