/**
 * A field's change in the reader's words: "Quantité : 25 kg → 20 kg", for the
 * history and for the values an edit conflict keeps. Values are stored as the
 * entity stores them (minor units, codes, ISO dates); they are formatted here,
 * in the language the page is shown in, never at write time.
 */
import { AVAILABILITIES, RESOURCE_KINDS, formatMoney, type Availability, type ResourceKind } from '$lib/domain/core';
import type * as Y from 'yjs';
import { EDIT_KINDS, type Activity, type EditKind } from '$lib/domain/core';
import { editedEntity, valueName, type FieldContext } from '$lib/domain/reports';
import { DUES_PERIODS, LEDGER_CATEGORIES, type DuesPeriod, type LedgerCategory } from '$lib/domain/money';
import { getLocale } from '$lib/paraglide/runtime';
import * as m from '$lib/paraglide/messages';
import { readAmount } from '../amount-input';
import { DECISION_FIELDS } from '../decisions/refusals';
import { formatAmount, formatDate, formatDateTime, formatQuantity, quantityInput } from '../format';
import { RESOURCE_FIELDS } from '../inventory/refusals';
import { availabilityLabel, kindLabel } from '../labels';
import { categoryLabel, periodLabel } from '../money/labels';
import { MONEY_FIELDS } from '../money/refusals';
import { NEEDS_FIELDS } from '../needs/refusals';
import { MEMBER_FIELDS, SPACE_FIELDS } from '../space/refusals';

const NO_CONTEXT: FieldContext = { unit: null, currency: null, needKind: null };

/** A budget line's field is noted on its fund as `line:<id>:<field>`; a dues change as `from:<date>`. */
function plainField(field: string): string {
	const line = /^line:[^:]+:(\w+)$/.exec(field);
	return line ? line[1]! : field;
}

function labels(kind: string): Record<string, () => string> {
	switch (kind) {
		case 'resource':
			return RESOURCE_FIELDS;
		case 'need':
		case 'pledge':
			return NEEDS_FIELDS;
		case 'decision':
			return DECISION_FIELDS;
		case 'space':
			return SPACE_FIELDS;
		case 'member':
			return MEMBER_FIELDS;
		default:
			return MONEY_FIELDS;
	}
}

/** The field's name as its form shows it. */
export function fieldLabel(kind: string, field: string): string {
	if (kind === 'dues' && field.startsWith('from:')) return m.change_dues_from({ date: formatDate(field.slice(5)) });
	// An item linked to a fund names it as the money forms do.
	const label = labels(kind)[plainField(field)] ?? MONEY_FIELDS[plainField(field)];
	return label ? label() : plainField(field);
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** A stored value in words; `name` is the name behind a value that is an id (valueName), when known. */
export function valueText(kind: string, field: string, value: unknown, context: FieldContext = NO_CONTEXT, name: string | null = null): string {
	if (value === null || value === undefined || value === '') return m.change_empty();
	const plain = plainField(field);
	const money = (amount: unknown) => (isNumber(amount) && context.currency ? formatMoney(amount, context.currency, getLocale()) : String(amount));
	switch (kind) {
		case 'resource':
			if (plain === 'quantity' && isNumber(value)) return formatQuantity(value, context.unit ?? '');
			if (plain === 'kind' && RESOURCE_KINDS.includes(value as ResourceKind)) return kindLabel(value as ResourceKind);
			if (plain === 'availability' && AVAILABILITIES.includes(value as Availability)) return availabilityLabel(value as Availability);
			if (plain === 'expiresOn' && isString(value)) return formatDate(value);
			if (plain === 'fundId') return name ?? '…';
			break;
		case 'need':
		case 'pledge':
			if ((plain === 'target' || plain === 'cap' || plain === 'amount') && isNumber(value) && context.needKind) {
				return formatAmount(context.needKind, value, context.unit ?? '');
			}
			if (plain === 'deadline' && isString(value)) return formatDate(value);
			if (plain === 'condition' && typeof value === 'object') {
				const { threshold, by } = value as { threshold?: unknown; by?: unknown };
				if (isNumber(threshold) && isString(by) && context.needKind) {
					return m.change_condition({ threshold: formatAmount(context.needKind, threshold, context.unit ?? ''), date: formatDate(by) });
				}
			}
			break;
		case 'decision':
			if (plain === 'closesAt' && isNumber(value)) return formatDateTime(value);
			if (plain === 'reviewOn' && isString(value)) return formatDate(value);
			break;
		case 'fund':
			if (plain === 'planned') return money(value);
			break;
		case 'dues':
			if (plain === 'amount' || field.startsWith('from:')) return money(value);
			if (plain === 'period' && DUES_PERIODS.includes(value as DuesPeriod)) return periodLabel(value as DuesPeriod);
			if (plain === 'start' && isString(value)) return formatDate(value);
			break;
		case 'member':
			if (plain === 'memberSince' && isString(value)) return formatDate(value);
			break;
		case 'ledger':
			if (plain === 'date' && isString(value)) return formatDate(value);
			if (plain === 'category' && LEDGER_CATEGORIES.includes(value as LedgerCategory)) return categoryLabel(value as LedgerCategory);
			if (plain === 'counterparty' && typeof value === 'object') {
				const party = value as { kind?: unknown; name?: unknown };
				if (party.kind === 'member') return name ?? m.someone();
				if (isString(party.name)) return m.change_outside_party({ name: party.name });
			}
			// An id says nothing to a person: its name, or an ellipsis when that item is not here.
			if (plain === 'needId' || plain === 'budgetLineId') return name ?? '…';
			break;
	}
	if (isString(value)) return value;
	if (isNumber(value)) return formatQuantity(value, '');
	return '…';
}

/** "Quantité : 25 kg → 20 kg". */
export function changeText(
	kind: string,
	change: { field: string; from: unknown; to: unknown },
	context: FieldContext = NO_CONTEXT,
	nameOf: (value: unknown) => string | null = () => null
): string {
	const field = fieldLabel(kind, change.field);
	const to = valueText(kind, change.field, change.to, context, nameOf(change.to));
	if (change.from === null || change.from === undefined || change.from === '') {
		return change.to === null || change.to === '' ? m.change_line({ field, from: m.change_empty(), to }) : m.change_set({ field, to });
	}
	return m.change_line({ field, from: valueText(kind, change.field, change.from, context, nameOf(change.from)), to });
}

/** How a person may type another value for a field, or null where only the kept values can be chosen. */
export type FieldInput =
	| { type: 'text'; multiline: boolean; value: string }
	| { type: 'date'; value: string }
	| { type: 'amount'; value: string; needKind: string; unit: string; allowZero: boolean }
	| { type: 'choice'; value: string; options: { value: string; label: string }[] };

export function fieldInput(kind: string, field: string, current: unknown, context: FieldContext = NO_CONTEXT): FieldInput | null {
	const plain = plainField(field);
	const text = isString(current) ? current : '';
	const dateFields = ['expiresOn', 'deadline', 'reviewOn', 'start'];
	if (dateFields.includes(plain) && kind !== 'ledger') return { type: 'date', value: text };
	const amount = (needKind: string, unit: string, allowZero: boolean): FieldInput => ({
		type: 'amount',
		value: isNumber(current) ? quantityInput(needKind, current, unit) : '',
		needKind,
		unit,
		allowZero
	});
	switch (kind) {
		case 'resource':
			if (plain === 'quantity') return amount('quantity', '', true);
			if (plain === 'kind') return { type: 'choice', value: text, options: RESOURCE_KINDS.map((k) => ({ value: k, label: kindLabel(k) })) };
			if (plain === 'availability') return { type: 'choice', value: text, options: AVAILABILITIES.map((a) => ({ value: a, label: availabilityLabel(a) })) };
			if (plain === 'fundId') return null;
			break;
		case 'need':
		case 'pledge':
			if (plain === 'target' || plain === 'cap' || plain === 'amount') {
				return context.needKind ? amount(context.needKind, context.unit ?? '', false) : null;
			}
			if (plain === 'condition' || plain === 'kind') return null;
			break;
		case 'decision':
			if (plain === 'closesAt') return null;
			break;
		case 'fund':
		case 'dues':
			if (plain === 'planned' || plain === 'amount' || field.startsWith('from:')) {
				return context.currency ? amount('money', context.currency, true) : null;
			}
			if (plain === 'period') return { type: 'choice', value: text, options: DUES_PERIODS.map((p) => ({ value: p, label: periodLabel(p) })) };
			if (plain === 'currency') return null;
			break;
		case 'ledger':
			if (plain === 'date') return { type: 'date', value: text };
			if (plain === 'note') return { type: 'text', multiline: true, value: text };
			return null;
		default:
			return null;
	}
	return { type: 'text', multiline: plain === 'description' || plain === 'proposal' || plain === 'note', value: text };
}

/** What was typed, as the value to store; a sentence when it does not read. */
export function readFieldInput(input: FieldInput, typed: string): { ok: true; value: unknown } | { ok: false; message: string } {
	switch (input.type) {
		case 'amount': {
			const reading = readAmount(input.needKind, typed, input.unit, { allowZero: input.allowZero });
			return reading.ok ? { ok: true, value: reading.amount } : reading;
		}
		case 'date':
			return { ok: true, value: typed === '' ? null : typed };
		default:
			return { ok: true, value: typed.trim() };
	}
}

/** What a history record's edit changed, one line a field; none for records without changes. */
export function recordChanges(doc: Y.Doc, record: Activity): string[] {
	if (!record.changes || record.changes.length === 0) return [];
	// A settled edit conflict names its item as `<kind>:<entity>`.
	const [kind, entity] = record.subjectKind === 'conflict' ? [record.subjectId.split(':')[0] ?? '', record.subjectId.split(':')[1] ?? ''] : [record.subjectKind, record.subjectId];
	if (!EDIT_KINDS.includes(kind as EditKind)) return record.changes.map((change) => changeText(kind, change));
	const edited = { kind: kind as EditKind, entity };
	const context = editedEntity(doc, edited).context;
	return record.changes.map((change) => changeText(kind, change, context, (value) => valueName(doc, { ...edited, field: change.field }, value)));
}
