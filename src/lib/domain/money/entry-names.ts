/**
 * What a ledger row shows beside its own fields: the names behind its ids
 * (fund, line, member, need, decision, the other leg of a transfer), and the
 * needs and decisions that the caller reads for money, which never imports
 * them. Each table of names is built the first time a row asks for it.
 */
import type * as Y from 'yjs';
import { decisionsMap, fundsMap, membersMap, needsMap } from '../core/schema';
import type { DecisionId, FundId, LedgerEntryId, MemberId, NeedId } from '../core/ids';
import { listMembers } from '../space/space';
import { budgetLines, listFunds, type Fund } from './funds';
import type { Counterparty, LedgerEntry } from './ledger';

/** A need an entry may point at; what the money pages need to know of it. */
export interface LinkableNeed {
	id: NeedId;
	title: string;
	kind: string;
	/** The currency, for a money need. */
	unit: string;
	status: string;
}

export interface LinkableDecision {
	id: DecisionId;
	title: string;
}

/** Needs and decisions as the caller read them; each is asked for only when a view needs it. */
export interface Linked {
	needs(): readonly LinkableNeed[];
	decisions(): readonly LinkableDecision[];
}

/** Who the money came from or went to, with the member's name when this device knows it. */
export type PartyView = null | { kind: 'member'; memberId: MemberId; name: string | null } | { kind: 'outside'; name: string };

/** One ledger entry as a card shows it: the names behind its ids. */
export interface EntryRow {
	entry: LedgerEntry;
	fundName: string;
	party: PartyView;
	lineLabel: string | null;
	needTitle: string | null;
	decisionTitle: string | null;
	/** The entry this one undoes, when it is readable here. */
	original: LedgerEntry | null;
	/** The entry that undoes this one, when it is readable here. */
	reversal: LedgerEntry | null;
	/** The other leg of a transfer. */
	otherLeg: { id: LedgerEntryId; fundName: string } | null;
	recordedBy: string | null;
	editedBy: string | null;
}

/**
 * The names an entry's ids stand for, each table built the first time it is
 * asked for: a page that shows fifty rows of twenty thousand entries reads
 * the names of fifty.
 */
export class Names {
	#funds: Map<string, Fund> | null = null;
	#lines: Map<string, string> | null = null;
	#members: Map<string, string> | null = null;
	#needs: Map<string, string> | null = null;
	#decisions: Map<string, string> | null = null;
	#entries: Map<string, LedgerEntry> | null = null;
	#legs: Map<string, LedgerEntry[]> | null = null;

	constructor(
		private readonly doc: Y.Doc,
		private readonly ledger: readonly LedgerEntry[],
		private readonly linked: Linked,
		funds?: readonly Fund[]
	) {
		if (funds) this.#funds = new Map(funds.map((f) => [f.id, f]));
		// Opened now, read later: a view kept until what it read changes must know it depends on them.
		fundsMap(doc);
		membersMap(doc);
		needsMap(doc);
		decisionsMap(doc);
	}

	#allFunds(): Map<string, Fund> {
		this.#funds ??= new Map(listFunds(this.doc, { archived: 'all' }).items.map((f) => [f.id, f]));
		return this.#funds;
	}

	fund(id: FundId): Fund | undefined {
		return this.#allFunds().get(id);
	}

	fundName(id: FundId): string {
		return this.fund(id)?.name ?? id;
	}

	line(id: string | null): string | null {
		if (!id) return null;
		if (!this.#lines) {
			this.#lines = new Map();
			for (const fund of this.#allFunds().values()) {
				for (const line of budgetLines(this.doc, fund.id).items) this.#lines.set(line.id, line.label);
			}
		}
		return this.#lines.get(id) ?? id;
	}

	member(id: MemberId): string | null {
		this.#members ??= new Map(listMembers(this.doc).items.map((p) => [p.id, p.name]));
		return this.#members.get(id) ?? null;
	}

	need(id: NeedId | null): string | null {
		if (!id) return null;
		this.#needs ??= new Map(this.linked.needs().map((n) => [n.id, n.title]));
		return this.#needs.get(id) ?? null;
	}

	decision(id: DecisionId | null): string | null {
		if (!id) return null;
		this.#decisions ??= new Map(this.linked.decisions().map((d) => [d.id, d.title]));
		return this.#decisions.get(id) ?? null;
	}

	entry(id: LedgerEntryId | null): LedgerEntry | null {
		if (!id) return null;
		this.#entries ??= new Map(this.ledger.map((e) => [e.id, e]));
		return this.#entries.get(id) ?? null;
	}

	/** The other leg of a transfer: the same transfer, the same side of a reversal. */
	otherLeg(entry: LedgerEntry): LedgerEntry | null {
		if (!entry.transferId) return null;
		if (!this.#legs) {
			this.#legs = new Map();
			for (const e of this.ledger) if (e.transferId) this.#legs.set(e.transferId, [...(this.#legs.get(e.transferId) ?? []), e]);
		}
		const legs = this.#legs.get(entry.transferId) ?? [];
		return legs.find((e) => e.id !== entry.id && (e.reverses === null) === (entry.reverses === null)) ?? null;
	}

	party(party: Counterparty): PartyView {
		if (party === null) return null;
		return party.kind === 'member' ? { ...party, name: this.member(party.memberId) } : party;
	}

	row(entry: LedgerEntry): EntryRow {
		const otherLeg = this.otherLeg(entry);
		return {
			entry,
			fundName: this.fundName(entry.fundId),
			party: this.party(entry.counterparty),
			lineLabel: this.line(entry.budgetLineId),
			needTitle: this.need(entry.needId),
			decisionTitle: this.decision(entry.decisionId),
			original: this.entry(entry.reverses),
			reversal: this.entry(entry.reversedBy),
			otherLeg: otherLeg ? { id: otherLeg.id, fundName: this.fundName(otherLeg.fundId) } : null,
			recordedBy: this.member(entry.createdBy),
			editedBy: entry.updatedAt !== entry.createdAt ? this.member(entry.updatedBy) : null
		};
	}
}
