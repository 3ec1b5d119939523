/**
 * Names for the ids an entry points at, read once per render: funds, budget
 * lines, members, needs and decisions, and the other entries a reversal or a
 * transfer refers to.
 */
import type * as Y from 'yjs';
import { listDecisions } from '$lib/domain/decisions';
import { budgetLines, listFunds, type Fund, type LedgerEntry } from '$lib/domain/money';
import type { FundId, LedgerEntryId } from '$lib/domain/core';
import { readNeeds } from '$lib/domain/needs';
import { listMembers } from '$lib/domain/space';

export interface MoneyLookup {
	fund(id: string): Fund | undefined;
	fundName(id: string): string;
	line(id: string | null): string | null;
	member(id: string): string | null;
	need(id: string | null): string | null;
	decision(id: string | null): string | null;
	entry(id: LedgerEntryId | null): LedgerEntry | undefined;
	/** The other leg of a transfer. */
	otherLeg(entry: LedgerEntry): LedgerEntry | undefined;
}

export function moneyLookup(doc: Y.Doc, ledger: readonly LedgerEntry[]): MoneyLookup {
	const funds = new Map(listFunds(doc, { archived: 'all' }).items.map((f) => [f.id as string, f]));
	const lines = new Map<string, string>();
	for (const id of funds.keys()) for (const line of budgetLines(doc, id as FundId).items) lines.set(line.id, line.label);
	const members = new Map(listMembers(doc).items.map((p) => [p.id as string, p.name]));
	const needs = new Map(readNeeds(doc).items.map((n) => [n.id as string, n.title]));
	let decisions: Map<string, string> | null = null;
	const entries = new Map(ledger.map((e) => [e.id as string, e]));
	const legs = new Map<string, LedgerEntry[]>();
	for (const e of ledger) if (e.transferId) legs.set(e.transferId, [...(legs.get(e.transferId) ?? []), e]);
	return {
		fund: (id) => funds.get(id),
		fundName: (id) => funds.get(id)?.name ?? id,
		line: (id) => (id ? (lines.get(id) ?? id) : null),
		member: (id) => members.get(id) ?? null,
		need: (id) => (id ? (needs.get(id) ?? null) : null),
		decision: (id) => {
			if (!id) return null;
			// Decisions are read only when an entry names one.
			decisions ??= new Map(listDecisions(doc).items.map((d) => [d.id as string, d.title]));
			return decisions.get(id) ?? null;
		},
		entry: (id) => (id ? entries.get(id) : undefined),
		otherLeg: (entry) =>
			entry.transferId
				? legs.get(entry.transferId)?.find((e) => e.id !== entry.id && (e.reverses === null) === (entry.reverses === null))
				: undefined
	};
}
