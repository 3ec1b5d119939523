/**
 * Items of the inventory's retired kind 'fund': money typed in as a thing,
 * which no balance or total ever counted. Each can become a real fund of the
 * money section in one step, its amount recorded as the fund's first entry,
 * or be linked to a fund that already holds that money.
 */
import * as v from 'valibot';
import type * as Y from 'yjs';
import type { FundId, LedgerEntryId, MemberId, ResourceId } from '../core/ids';
import { MAX_AMOUNT, fractionDigits } from '../core/money';
import { checkInput, type InvalidField, type Refusal } from '../core/refusals';
import { LOCAL_ORIGIN, isoDate } from '../core/schema';
import { usualCurrency } from '../money/defaults';
import { createFund, getFund, listFunds } from '../money/funds';
import { recordEntry } from '../money/ledger';
import { getResource, updateResource } from './resources';

/** Why an item could not become or join a fund. */
export type FundItemRefusal = Refusal<'not_found' | 'removed' | 'not_money' | 'already_linked' | 'fund_not_found'>;

export type MoveToFundResult = { ok: true; fundId: FundId; entryId: LedgerEntryId | null } | InvalidField | FundItemRefusal;

const MoveInput = v.object({
	currency: v.pipe(v.string(), v.trim(), v.toUpperCase(), v.regex(/^[A-Z]{3}$/)),
	/** The day the amount is recorded as the fund's first entry. */
	date: isoDate
});
export type MoveToFundInput = v.InferInput<typeof MoveInput>;

/** What an item of kind 'fund' would open a fund with: its quantity in minor units of `currency`, if it has one that fits. */
export function openingAmount(quantity: number | null, currency: string): number | null {
	if (quantity === null || !(quantity > 0)) return null;
	const amount = Math.round(quantity * 10 ** fractionDigits(currency));
	return amount > 0 && amount <= MAX_AMOUNT ? amount : null;
}

/**
 * The currency an item's unit names ("EUR", "chf", "€"), or null: the form
 * then offers the collective's own.
 */
export function unitCurrency(unit: string): string | null {
	const trimmed = unit.trim();
	const symbols: Record<string, string> = { '€': 'EUR', $: 'USD', '£': 'GBP', 'FR.': 'CHF' };
	const known = symbols[trimmed.toUpperCase()];
	if (known) return known;
	return /^[A-Za-z]{3}$/.test(trimmed) ? trimmed.toUpperCase() : null;
}

function movable(doc: Y.Doc, id: ResourceId): FundItemRefusal | null {
	const resource = getResource(doc, id);
	if (!resource) return { ok: false, reason: 'not_found' };
	if (resource.removedAt !== null) return { ok: false, reason: 'removed' };
	if (resource.kind !== 'fund') return { ok: false, reason: 'not_money' };
	if (resource.fundId !== null) return { ok: false, reason: 'already_linked' };
	return null;
}

/**
 * Creates a cash fund named like the item, records its quantity as the
 * fund's first entry (money in, category other), and links the item to the
 * fund, all in one change: another device sees the three together or none.
 */
export function moveToFund(doc: Y.Doc, id: ResourceId, input: MoveToFundInput, by: MemberId, now = Date.now()): MoveToFundResult {
	const refused = movable(doc, id);
	if (refused) return refused;
	const checked = checkInput(MoveInput, input);
	if (!checked.ok) return checked;
	const { currency, date } = checked.value;
	const resource = getResource(doc, id)!;
	let result: MoveToFundResult = { ok: false, reason: 'not_found' };
	doc.transact(() => {
		const fund = createFund(doc, { name: resource.name, kind: 'cash', currency, description: resource.description }, by, now);
		if (!fund.ok) {
			result = fund.reason === 'invalid_field' ? fund : { ok: false, reason: 'not_money' };
			return;
		}
		const amount = openingAmount(resource.quantity, currency);
		let entryId: LedgerEntryId | null = null;
		if (amount !== null) {
			const entry = recordEntry(doc, { fundId: fund.id, date, amount, direction: 'in', category: 'other', note: resource.name.slice(0, 500) }, by, now);
			if (entry.ok) entryId = entry.id;
		}
		updateResource(doc, id, { fundId: fund.id }, by, now);
		result = { ok: true, fundId: fund.id, entryId };
	}, LOCAL_ORIGIN);
	return result;
}

export type LinkFundResult = { ok: true } | FundItemRefusal;

/** Links an item of kind 'fund' to a fund that already holds that money: the item then points there. */
export function linkToFund(doc: Y.Doc, id: ResourceId, fundId: FundId, by: MemberId, now = Date.now()): LinkFundResult {
	const refused = movable(doc, id);
	if (refused) return refused;
	if (!getFund(doc, fundId)) return { ok: false, reason: 'fund_not_found' };
	const updated = updateResource(doc, id, { fundId }, by, now);
	return updated.ok ? { ok: true } : { ok: false, reason: 'not_found' };
}

export interface FundChoices {
	/** Every fund, to name the one an item is linked to; only open ones are offered for a new link. */
	funds: { id: FundId; name: string; currency: string; archived: boolean }[];
	/** The currency a new fund starts in when the item's unit names none. */
	currency: string;
}

/** What the inventory page needs of the money section to move or link an item. */
export function fundChoices(doc: Y.Doc): FundChoices {
	return {
		funds: listFunds(doc, { archived: 'all' }).items.map((f) => ({ id: f.id, name: f.name, currency: f.currency, archived: f.archived })),
		currency: usualCurrency(doc)
	};
}
