/**
 * The ledger's export as the reader's spreadsheet expects it, built a slice
 * at a time so that a ledger of tens of thousands of entries does not freeze
 * the page while the file is made.
 */
import type { CsvColumn, CsvFormat } from '$lib/domain/money';
import { getLocale } from '$lib/paraglide/runtime';
import * as m from '$lib/paraglide/messages';
import { categoryLabel, directionLabel } from './labels';

/**
 * French and Italian spreadsheets split at semicolons and read a decimal
 * comma and day/month/year dates; English ones split at commas, read a dot,
 * and ISO dates are the ones none misreads.
 */
export function csvFormat(locale: string = getLocale()): CsvFormat {
	const headers: Record<CsvColumn, string> = {
		id: m.money_csv_id(),
		date: m.money_date(),
		fund: m.money_fund(),
		direction: m.money_direction(),
		amount: m.money_amount(),
		currency: m.currency(),
		category: m.money_category(),
		counterparty: m.money_counterparty(),
		note: m.note(),
		budget_line: m.money_budget_line(),
		need: m.money_need(),
		decision: m.money_decision(),
		transfer: m.money_csv_transfer(),
		reverses: m.money_csv_reverses(),
		reversed_by: m.money_csv_reversed_by(),
		recorded_at: m.money_recorded_at(),
		recorded_by: m.money_recorded_by_label()
	};
	const comma = locale === 'fr' || locale === 'it';
	return {
		separator: comma ? ';' : ',',
		decimal: comma ? ',' : '.',
		dates: comma ? 'dmy' : 'iso',
		headers,
		direction: directionLabel,
		category: categoryLabel
	};
}

/** Joins the slices, letting the page draw and answer between two. */
export async function joinInSlices(slices: Iterable<string>): Promise<string> {
	const parts: string[] = [];
	for (const slice of slices) {
		parts.push(slice);
		await new Promise((resolve) => setTimeout(resolve, 0));
	}
	return parts.join('');
}
