/**
 * What the conflicts, history and transparency pages show, as pure functions
 * of the document: each conflict with the names and amounts that explain it,
 * the history a filter keeps with who did each thing, and the transparency
 * report with its bookings named.
 */
import { actionsOutsideRole } from '../decisions/roles';
import type { Role } from '../decisions/schema';
import type * as Y from 'yjs';
import { listActivity, type Activity, type SubjectKind } from '../core/activity';
import type { DecisionId, LedgerEntryId, MemberId, NeedId, PledgeId, ResourceId } from '../core/ids';
import { getEntry, ledgerOrder } from '../money/ledger';
import type { Member } from '../core/schema';
import { getDecision } from '../decisions/decisions';
import { getFund } from '../money/funds';
import { getNeed, type NeedKind } from '../needs/needs';
import { getPledge } from '../needs/pledges';
import { bookingRows, type BookingRow } from '../bookings/views';
import { listMembers, memberName } from '../space/space';
import { listConflicts, type Conflict } from './conflicts';
import { editedEntity, storedValue, valueName, type EditedField, type FieldContext } from './edit-conflicts';
import { sameValue, type ConflictingValue } from '../core/revisions';
import { transparencyReport, type TransparencyReport } from './transparency';

/** Where the page sends a person to act on a conflict. */
export type ConflictLink = { to: 'money' } | { to: 'inventory' } | { to: 'members' } | { to: 'need'; id: NeedId } | { to: 'decision'; id: DecisionId };

/** A field set to different values on two devices: every value kept, who wrote it, and which one the field shows now. */
export interface EditRow {
	edited: EditedField;
	context: FieldContext;
	/** `name`: the name behind a value that is an id (a need, a budget line, a member). */
	values: (ConflictingValue & { byName: string | null; shown: boolean; name: string | null })[];
}

/** What a conflict's amount is counted in. */
export type ConflictAmount =
	| { kind: 'money'; amount: number; currency: string }
	| { kind: 'quantity'; amount: number; needKind: NeedKind; unit: string };

export interface ConflictRow {
	conflict: Conflict;
	/**
	 * The fund, need or decision the conflict is about, by name: null when it
	 * has not arrived on this device; absent (undefined) for the kinds whose
	 * bookings say it all.
	 */
	subject?: { name: string | null; link: ConflictLink | null };
	amount: ConflictAmount | null;
	/** A removed resource that restoring would settle the conflict for. */
	restorable: ResourceId | null;
	bookings: BookingRow[];
	/** For an edit conflict, the values to choose from; null for the other kinds. */
	edit: EditRow | null;
	/** For a negative balance: the money out that took the fund below zero, in ledger order. */
	culprits?: CulpritEntry[];
	/** For an entry claimed twice: who claimed it, and whom it names now. */
	claims?: { claimantNames: string[]; keptName: string | null };
	/** For an action outside a role: who took it, and whom the role was entrusted to then. */
	outsideRole?: { byName: string | null; holderNames: string[] };
}

/** An entry behind a negative balance, with the decision that authorised it, if any. */
export interface CulpritEntry {
	id: LedgerEntryId;
	date: string;
	amount: number;
	currency: string;
	decisionId: DecisionId | null;
	/** Null when there is no decision, or it has not reached this device. */
	decisionTitle: string | null;
}

export interface AcknowledgedRow extends ConflictRow {
	acknowledgement: NonNullable<Conflict['acknowledgement']>;
	/** Null when that member's entry does not read. */
	acknowledgedBy: string | null;
}

export interface ConflictsView {
	open: ConflictRow[];
	acknowledged: AcknowledgedRow[];
}

export function conflictsView(doc: Y.Doc, today: string): ConflictsView {
	const open: ConflictRow[] = [];
	const acknowledged: AcknowledgedRow[] = [];
	for (const conflict of listConflicts(doc, today)) {
		const row = conflictRow(doc, conflict);
		const ack = conflict.acknowledgement;
		if (ack) acknowledged.push({ ...row, acknowledgement: ack, acknowledgedBy: memberName(doc, ack.by) });
		else open.push(row);
	}
	return { open, acknowledged };
}

/** The entries a negative balance names, as the ledger shows them, in its order; those not here are left out. */
function culpritsOf(doc: Y.Doc, ids: readonly string[]): CulpritEntry[] {
	return ids
		.flatMap((id) => {
			const entry = getEntry(doc, id as LedgerEntryId);
			return entry ? [entry] : [];
		})
		.sort(ledgerOrder)
		.map((e) => ({
			id: e.id,
			date: e.date,
			amount: e.amount,
			currency: e.currency,
			decisionId: e.decisionId,
			decisionTitle: e.decisionId ? (getDecision(doc, e.decisionId)?.title ?? null) : null
		}));
}

/** How many conflicts wait for someone, for the badge on the navigation. */
export function openConflictCount(doc: Y.Doc, today: string): number {
	return listConflicts(doc, today).filter((c) => c.acknowledgement === null).length;
}

function conflictRow(doc: Y.Doc, conflict: Conflict): ConflictRow {
	const bookings = bookingRows(doc, conflict.bookings);
	const row = { conflict, amount: null, restorable: null, bookings, edit: null };
	switch (conflict.kind) {
		case 'negative_fund': {
			const fund = getFund(doc, conflict.subjectId);
			return {
				...row,
				subject: { name: fund?.name ?? null, link: { to: 'money' } },
				amount: fund ? { kind: 'money', amount: conflict.amount, currency: fund.currency } : null,
				culprits: culpritsOf(doc, conflict.involved)
			};
		}
		case 'over_cap': {
			const need = getNeed(doc, conflict.subjectId);
			return {
				...row,
				subject: { name: need?.title ?? null, link: { to: 'need', id: conflict.subjectId } },
				amount: need ? { kind: 'quantity', amount: conflict.amount, needKind: need.kind, unit: need.unit } : null
			};
		}
		case 'closing_conflict':
			return { ...row, subject: { name: getDecision(doc, conflict.subjectId)?.title ?? null, link: { to: 'decision', id: conflict.subjectId } } };
		case 'removed_resource_pledge':
		case 'contested_pledge': {
			const pledgeHere = getPledge(doc, conflict.subjectId) !== undefined;
			return {
				...row,
				subject: { name: getNeed(doc, conflict.needId)?.title ?? null, link: pledgeHere ? { to: 'need', id: conflict.needId } : null },
				restorable: conflict.kind === 'removed_resource_pledge' ? conflict.resourceId : null
			};
		}
		case 'removed_resource_booking':
			return { ...row, restorable: conflict.resourceId };
		case 'booking_overlap':
			return row;
		case 'delivery_unconfirmed': {
			const { delivery } = conflict;
			return {
				...row,
				subject: { name: delivery.name, link: delivery.needId ? { to: 'need', id: delivery.needId } : null },
				amount: delivery.kind === 'money' ? { kind: 'money', amount: delivery.amount, currency: delivery.unit } : { kind: 'quantity', amount: delivery.amount, needKind: delivery.kind, unit: delivery.unit }
			};
		}
		case 'unverified_record':
			return { ...row, subject: { name: null, link: null } };
		case 'claimed_twice':
			return {
				...row,
				subject: { name: memberName(doc, conflict.subjectId), link: { to: 'members' } },
				claims: {
					claimantNames: conflict.claimants.map((id) => memberName(doc, id) ?? '?'),
					keptName: conflict.kept && memberName(doc, conflict.kept)
				}
			};
		case 'outside_role':
			return {
				...row,
				subject: { name: null, link: null },
				outsideRole: { byName: memberName(doc, conflict.by), holderNames: conflict.holders.map((id) => memberName(doc, id) ?? '?') }
			};
		case 'edit_conflict': {
			const { name, context } = editedEntity(doc, conflict.edited);
			const shown = storedValue(doc, conflict.edited);
			const values = conflict.values.map((value) => ({
				...value,
				byName: memberName(doc, value.by),
				shown: sameValue(value.value, shown),
				name: valueName(doc, conflict.edited, value.value)
			}));
			return { ...row, subject: { name, link: editLink(doc, conflict.edited) }, edit: { edited: conflict.edited, context, values } };
		}
	}
}

function editLink(doc: Y.Doc, { kind, entity }: EditedField): ConflictLink | null {
	switch (kind) {
		case 'resource':
			return { to: 'inventory' };
		case 'need':
			return { to: 'need', id: entity as NeedId };
		case 'pledge': {
			const pledge = getPledge(doc, entity as PledgeId);
			return pledge ? { to: 'need', id: pledge.needId } : null;
		}
		case 'decision':
			return { to: 'decision', id: entity as DecisionId };
		case 'fund':
		case 'dues':
		case 'ledger':
			return { to: 'money' };
		default:
			return null;
	}
}

export interface HistoryFilter {
	subjectKind: SubjectKind | null;
	by: MemberId | null;
	/** Inclusive bounds, in ms since the epoch; null leaves that side open. */
	from: number | null;
	to: number | null;
}

export interface HistoryRow {
	record: Activity;
	/** Null when that member's entry does not read. */
	byName: string | null;
	/** The role this action is usually left to, when the one who took it did not hold it. */
	outsideRole: Role | null;
}

export interface HistoryView {
	rows: HistoryRow[];
	unreadable: number;
	/** Whom the filter can pick. */
	members: Member[];
}

/** The history a filter keeps, newest first, in one pass over the records: the space's, and its archive's when it is open. */
export function historyView(doc: Y.Doc, filter: HistoryFilter, archive: Y.Doc | null = null): HistoryView {
	const { items, unreadable } = listActivity(
		doc,
		{
			subjectKind: filter.subjectKind ?? undefined,
			by: filter.by ?? undefined,
			from: filter.from ?? undefined,
			to: filter.to ?? undefined
		},
		archive
	);
	const members = listMembers(doc).items;
	const names = new Map<string, string | null>(members.map((m) => [m.id, m.name]));
	const nameOf = (id: MemberId) => {
		if (!names.has(id)) names.set(id, memberName(doc, id));
		return names.get(id) ?? null;
	};
	const outside = new Map(actionsOutsideRole(doc).map((o) => [o.activity.id, o.role]));
	return { rows: items.map((record) => ({ record, byName: nameOf(record.by), outsideRole: outside.get(record.id) ?? null })), unreadable, members };
}

export interface TransparencyView extends Omit<TransparencyReport, 'bookings'> {
	bookings: BookingRow[];
}

/** The report between two dates, in whichever order they were picked, with its bookings named; with the space's archive when given. */
export function transparencyView(doc: Y.Doc, from: string, to: string, archive: Y.Doc | null = null): TransparencyView {
	const [start, end] = from <= to ? [from, to] : [to, from];
	const report = transparencyReport(doc, start, end, archive);
	return { ...report, bookings: bookingRows(doc, report.bookings) };
}
