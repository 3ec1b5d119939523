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
	type AllocationId,
	type Closing,
	type Decision,
	type Execution,
	type Resolution,
	type Tally
} from './schema';
import type { DecisionId } from '../core/ids';
import { compareIds } from '../core/order';
import { decisionsMap, entityId, plainValue } from '../core/schema';

/** The nested structures of a decision, each where concurrent additions merge. */
export interface Parts {
	comments: Y.Array<unknown>;
	positions: Y.Array<unknown>;
	tallies: Y.Map<unknown>;
	allocations: Y.Map<unknown>;
	closings: Y.Map<unknown>;
	executions: Y.Map<unknown>;
}

/** A decision's nested structures, or undefined when one is missing or of the wrong kind. */
export function partsOf(entry: Y.Map<unknown>): Parts | undefined {
	const comments = entry.get('comments');
	const positions = entry.get('positions');
	const tallies = entry.get('tallies');
	const allocations = entry.get('allocations');
	const closings = entry.get('closings');
	const executions = entry.get('executions');
	if (!(comments instanceof Y.Array) || !(positions instanceof Y.Array)) return undefined;
	if (!(tallies instanceof Y.Map) || !(allocations instanceof Y.Map)) return undefined;
	if (!(closings instanceof Y.Map) || !(executions instanceof Y.Map)) return undefined;
	return { comments, positions, tallies, allocations, closings, executions };
}

const allocationKey = entityId<'allocation'>();

/** An entry checked against its schema, or undefined. */
function parse<S extends v.GenericSchema>(schema: S, raw: unknown): v.InferOutput<S> | undefined {
	const parsed = v.safeParse(schema, plainValue(raw));
	return parsed.success ? parsed.output : undefined;
}

/** An entry kept under its own id: a copy under another key is not read. */
function parseKeyed<S extends v.GenericSchema<unknown, { id: string }>>(schema: S, key: string, raw: unknown): v.InferOutput<S> | undefined {
	const out = parse(schema, raw);
	return out !== undefined && out.id === key ? out : undefined;
}

/** Reads a decision, or undefined when its own fields or containers are unreadable. */
export function readDecision(key: string, value: unknown): Decision | undefined {
	if (!(value instanceof Y.Map)) return undefined;
	const core = v.safeParse(CoreSchema, plainFields(value));
	if (!core.success || core.output.id !== key) return undefined;
	const parts = partsOf(value);
	if (!parts) return undefined;
	const process = core.output.process;
	let unreadable = 0;
	const keep = <T>(items: Array<T | undefined>): T[] => {
		const kept = items.filter((x): x is T => x !== undefined);
		unreadable += items.length - kept.length;
		return kept;
	};
	const positions = keep(
		parts.positions.toArray().map((raw) => {
			const p = parse(PositionSchema, raw);
			return p && validChoices(process, p.choices) ? p : undefined;
		})
	).sort(byTimeThenId);
	const tallies = keep(
		[...parts.tallies.entries()].map(([k, raw]) => {
			const t = parseKeyed(TallySchema, k, raw);
			return t && tallyFits(process, t) ? t : undefined;
		})
	).sort(byTimeThenId);
	const closings = keep([...parts.closings.entries()].map(([k, raw]) => parseKeyed(ClosingSchema, k, raw))).sort(byTimeThenId);
	const executions = new Map<AllocationId, Execution>();
	for (const [k, raw] of parts.executions.entries()) {
		const e = parse(ExecutionSchema, raw);
		const id = v.safeParse(allocationKey, k);
		if (e && id.success) executions.set(id.output, e);
		else unreadable++;
	}
	const resolutionRaw = value.get('resolution');
	const resolution: Resolution | null = resolutionRaw == null ? null : (parse(ResolutionSchema, resolutionRaw) ?? null);
	if (resolutionRaw != null && resolution === null) unreadable++;
	const comments = keep(parts.comments.toArray().map((raw) => parse(CommentSchema, raw))).sort(byTimeThenId);
	const allocations = keep([...parts.allocations.entries()].map(([k, raw]) => parseKeyed(AllocationSchema, k, raw))).sort(
		(a, b) => a.declaredAt - b.declaredAt || a.seq - b.seq || compareIds(a.id, b.id)
	);
	return {
		...core.output,
		comments,
		positions,
		tallies,
		allocations,
		closings,
		executions,
		resolution,
		status: closings.length > 0 ? 'closed' : 'open',
		closing: shownClosing(closings, resolution),
		unreadableParts: unreadable
	};
}

/**
 * The closing shown as the outcome: the one people kept when they resolved a
 * disagreement, else the earliest (by time, then id), the same on every replica.
 */
export function shownClosing(closings: readonly Closing[], resolution: Resolution | null): Closing | null {
	const kept = resolution && closings.find((c) => c.id === resolution.closingId);
	return kept ?? closings[0] ?? null;
}

/** A decision readable here, with its map and nested structures for writes. */
export interface Found {
	entry: Y.Map<unknown>;
	parts: Parts;
	decision: Decision;
}

/**
 * The decision to write to, or undefined when this device does not have it
 * (a link to a decision not synced yet) or cannot read it.
 */
export function findDecision(doc: Y.Doc, id: DecisionId): Found | undefined {
	const entry = decisionsMap(doc).get(id);
	if (!(entry instanceof Y.Map)) return undefined;
	const decision = readDecision(id, entry);
	const parts = partsOf(entry);
	return decision && parts ? { entry, parts, decision } : undefined;
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
