/**
 * The ledger as CSV (RFC 4180) for the general assembly and the accountant:
 * a header row, CRLF line ends, amounts as exact decimals with a dot and a
 * sign (money out is negative), ISO dates, names resolved where the space
 * knows them. Text cells that a spreadsheet would run as a formula are
 * defused with a leading apostrophe, and every text cell is quoted: a French
 * or Italian spreadsheet splits the file at semicolons, and an unquoted
 * `x;=cmd` would start a new cell with a formula.
 */
import type * as Y from 'yjs';
import { budgetLines, listFunds } from './funds';
import { listEntries, signed, type LedgerEntry, type LedgerFilter } from './ledger';
import { toDecimalString } from '../core/money';
import { memberName } from '../space/space';

export const CSV_COLUMNS = [
	'id',
	'date',
	'fund',
	'direction',
	'amount',
	'currency',
	'category',
	'counterparty',
	'note',
	'budget_line',
	'need',
	'decision',
	'transfer',
	'reverses',
	'reversed_by',
	'recorded_at',
	'recorded_by'
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

export interface CsvOptions {
	/** Header labels in the reader's language; the column codes otherwise. */
	headers?: Partial<Record<CsvColumn, string>>;
}

export function ledgerCsv(doc: Y.Doc, filter: LedgerFilter = {}, options: CsvOptions = {}): string {
	const fundList = listFunds(doc, { archived: 'all' }).items;
	const funds = new Map<string, string>(fundList.map((f) => [f.id, f.name]));
	const lines = new Map<string, string>();
	for (const fund of fundList) {
		for (const line of budgetLines(doc, fund.id).items) lines.set(line.id, line.label);
	}
	const rows = [CSV_COLUMNS.map((c) => textCell(options.headers?.[c] ?? c))];
	for (const entry of listEntries(doc, filter).items) {
		const cells: Record<CsvColumn, string> = {
			id: entry.id,
			date: entry.date,
			fund: funds.get(entry.fundId) ?? entry.fundId,
			direction: entry.direction,
			amount: toDecimalString(signed(entry), entry.currency),
			currency: entry.currency,
			category: entry.category,
			counterparty: counterpartyName(doc, entry),
			note: entry.note,
			budget_line: entry.budgetLineId ? (lines.get(entry.budgetLineId) ?? entry.budgetLineId) : '',
			need: entry.needId ?? '',
			decision: entry.decisionId ?? '',
			transfer: entry.transferId ?? '',
			reverses: entry.reverses ?? '',
			reversed_by: entry.reversedBy ?? '',
			recorded_at: new Date(entry.createdAt).toISOString(),
			recorded_by: memberName(doc, entry.createdBy) ?? entry.createdBy
		};
		// The amount is the one number, written by the app (its minus sign is a
		// sign, not a formula): it stays bare so that spreadsheets read it as one.
		// Every other cell is text and may carry a formula.
		rows.push(CSV_COLUMNS.map((c) => (c === 'amount' && DECIMAL.test(cells[c]) ? cells[c] : textCell(cells[c]))));
	}
	return rows.map((row) => row.join(',') + '\r\n').join('');
}

function counterpartyName(doc: Y.Doc, entry: LedgerEntry): string {
	const party = entry.counterparty;
	if (!party) return '';
	return party.kind === 'member' ? (memberName(doc, party.memberId) ?? party.memberId) : party.name;
}

/**
 * What a spreadsheet may run as a formula: a cell starting with =, +, - or @
 * (or their full-width forms, which some read as the same), also after
 * spaces or control characters that some readers drop first; and any cell
 * starting with a control character (NUL, tab, CR, LF), whatever follows.
 */
/** An amount as `toDecimalString` writes it. */
const DECIMAL = /^-?\d+(\.\d+)?$/;

const FORMULA_START = /^[\s\x00-\x1f\u3000]*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\x00-\x1f]/;

/** Defuses formulas with a leading apostrophe, then quotes, whatever the text. */
export function textCell(value: string): string {
	return `"${(FORMULA_START.test(value) ? `'${value}` : value).replace(/"/g, '""')}"`;
}

/** Quotes a field holding a separator (comma or semicolon), a quote, CR or LF, doubling inner quotes. */
export function quote(value: string): string {
	return /[",;\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
