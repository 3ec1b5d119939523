/**
 * The ledger exported for the general assembly and the accountant, as CSV in
 * the reader's conventions, and the same data as JSON for tools.
 *
 * CSV (RFC 4180, CRLF line ends): a French or Italian spreadsheet splits at
 * semicolons and reads a decimal comma, an English one splits at commas and
 * reads a dot; the caller says which, with the column, direction and
 * category labels in the reader's language. Amounts are exact decimals
 * without a sign (the direction column says in or out: the sign is given
 * once), dates are the local calendar's, funds, needs, decisions and people
 * by name. Text cells that a spreadsheet would run as a formula are defused
 * with a leading apostrophe, and every text cell is quoted, so that a reader
 * splitting at the other separator finds no formula either.
 *
 * JSON keeps codes, ids, ISO dates and minor units beside the names: a tool
 * needs no guessing. Both are built row by row so that the page can build a
 * large ledger in slices (see `ledgerCsvSlices`).
 */
import type * as Y from 'yjs';
import { toDecimalString } from '../core/money';
import { readLedger, matchesFilter, type Direction, type LedgerCategory, type LedgerEntry, type LedgerFilter } from './ledger';
import { Names, type Linked } from './entry-names';

export const CSV_COLUMNS = [
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
	'id',
	'reverses',
	'reversed_by',
	'recorded_at',
	'recorded_by'
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

/** How the reader's spreadsheet reads a file. */
export interface CsvFormat {
	separator: ',' | ';';
	decimal: '.' | ',';
	/** Day/month/year, as French and Italian spreadsheets read dates, or ISO year-month-day. */
	dates: 'dmy' | 'iso';
	/** Header labels in the reader's language; the column codes otherwise. */
	headers?: Partial<Record<CsvColumn, string>>;
	direction?: (direction: Direction) => string;
	category?: (category: LedgerCategory) => string;
}

/** The codes, a comma, a dot and ISO dates: what a tool or an English spreadsheet reads. */
export const PLAIN_CSV: CsvFormat = { separator: ',', decimal: '.', dates: 'iso' };

/** One entry as exported: its codes and ids, and the names behind them as this device knows them. */
export interface ExportedEntry {
	id: string;
	/** The entry's date, YYYY-MM-DD. */
	date: string;
	fundId: string;
	fund: string;
	direction: Direction;
	/** In minor units of the currency, never negative: the direction says which way. */
	amount: number;
	/** The same amount as an exact decimal with a dot: "1234.56". */
	amountDecimal: string;
	currency: string;
	category: LedgerCategory;
	counterparty: string | null;
	note: string;
	budgetLine: string | null;
	needId: string | null;
	need: string | null;
	decisionId: string | null;
	decision: string | null;
	transferId: string | null;
	/** For a transfer, the fund at its other end. */
	transferFund: string | null;
	pledgeId: string | null;
	reverses: string | null;
	reversedBy: string | null;
	/** When it was recorded, as milliseconds since 1970 (UTC). */
	recordedAt: number;
	recordedBy: string | null;
}

/** The entries a filter keeps, in ledger order, as exported. */
export function* exportedEntries(doc: Y.Doc, filter: LedgerFilter, linked: Linked): Generator<ExportedEntry> {
	const ledger = readLedger(doc).items;
	const names = new Names(doc, ledger, linked);
	for (const entry of ledger) {
		if (!matchesFilter(entry, filter)) continue;
		const other = names.otherLeg(entry);
		yield {
			id: entry.id,
			date: entry.date,
			fundId: entry.fundId,
			fund: names.fundName(entry.fundId),
			direction: entry.direction,
			amount: entry.amount,
			amountDecimal: toDecimalString(entry.amount, entry.currency),
			currency: entry.currency,
			category: entry.category,
			counterparty: partyName(names, entry),
			note: entry.note,
			budgetLine: names.line(entry.budgetLineId),
			needId: entry.needId,
			need: entry.needId ? (names.need(entry.needId) ?? entry.needId) : null,
			decisionId: entry.decisionId,
			decision: entry.decisionId ? (names.decision(entry.decisionId) ?? entry.decisionId) : null,
			transferId: entry.transferId,
			transferFund: other ? names.fundName(other.fundId) : null,
			pledgeId: entry.pledgeId,
			reverses: entry.reverses,
			reversedBy: entry.reversedBy,
			recordedAt: entry.createdAt,
			recordedBy: names.member(entry.createdBy) ?? entry.createdBy
		};
	}
}

function partyName(names: Names, entry: LedgerEntry): string | null {
	const party = names.party(entry.counterparty);
	if (!party) return null;
	return party.kind === 'member' ? (party.name ?? party.memberId) : party.name;
}

/** The header row. */
export function csvHeader(format: CsvFormat): string {
	return CSV_COLUMNS.map((c) => textCell(format.headers?.[c] ?? c)).join(format.separator) + '\r\n';
}

/** One entry's row. */
export function csvRow(e: ExportedEntry, format: CsvFormat): string {
	const cells: Record<CsvColumn, string> = {
		date: dateCell(e.date, format),
		fund: e.fund,
		direction: format.direction?.(e.direction) ?? e.direction,
		amount: format.decimal === ',' ? e.amountDecimal.replace('.', ',') : e.amountDecimal,
		currency: e.currency,
		category: format.category?.(e.category) ?? e.category,
		counterparty: e.counterparty ?? '',
		note: e.note,
		budget_line: e.budgetLine ?? '',
		need: e.need ?? '',
		decision: e.decision ?? '',
		transfer: e.transferFund ?? '',
		id: e.id,
		reverses: e.reverses ?? '',
		reversed_by: e.reversedBy ?? '',
		recorded_at: dateTimeCell(e.recordedAt, format),
		recorded_by: e.recordedBy ?? ''
	};
	// The amount is the one number, written by the app without a sign: it
	// stays bare so that spreadsheets read it as a number. Every other cell is
	// text and may carry a formula.
	return CSV_COLUMNS.map((c) => (c === 'amount' ? cells[c] : textCell(cells[c]))).join(format.separator) + '\r\n';
}

/**
 * The CSV in slices of `size` rows, the header first: a page builds a ledger
 * of tens of thousands of entries a slice at a time, letting the screen
 * answer in between.
 */
export function* ledgerCsvSlices(doc: Y.Doc, filter: LedgerFilter, linked: Linked, format: CsvFormat, size = 1000): Generator<string> {
	yield csvHeader(format);
	let slice: string[] = [];
	for (const entry of exportedEntries(doc, filter, linked)) {
		slice.push(csvRow(entry, format));
		if (slice.length < size) continue;
		yield slice.join('');
		slice = [];
	}
	if (slice.length > 0) yield slice.join('');
}

/** The whole CSV at once. */
export function ledgerCsv(doc: Y.Doc, filter: LedgerFilter = {}, linked: Linked = NO_LINKS, format: CsvFormat = PLAIN_CSV): string {
	return [...ledgerCsvSlices(doc, filter, linked, format)].join('');
}

/** The same entries for tools: `{ "format": "passerelle-ledger", "version": 1, "entries": [...] }`, one entry a line. */
export function* ledgerJsonSlices(doc: Y.Doc, filter: LedgerFilter, linked: Linked, size = 1000): Generator<string> {
	yield '{"format":"passerelle-ledger","version":1,"entries":[';
	let slice: string[] = [];
	let first = true;
	for (const entry of exportedEntries(doc, filter, linked)) {
		slice.push(`${first ? '' : ','}\n${JSON.stringify(entry)}`);
		first = false;
		if (slice.length < size) continue;
		yield slice.join('');
		slice = [];
	}
	if (slice.length > 0) yield slice.join('');
	yield '\n]}\n';
}

export function ledgerJson(doc: Y.Doc, filter: LedgerFilter = {}, linked: Linked = NO_LINKS): string {
	return [...ledgerJsonSlices(doc, filter, linked)].join('');
}

const NO_LINKS: Linked = { needs: () => [], decisions: () => [] };

function dateCell(iso: string, format: CsvFormat): string {
	if (format.dates === 'iso') return iso;
	const [year, month, day] = iso.split('-');
	return `${day}/${month}/${year}`;
}

/** The moment in the device's time zone, to the minute. */
function dateTimeCell(at: number, format: CsvFormat): string {
	const d = new Date(at);
	const two = (n: number) => String(n).padStart(2, '0');
	const date = `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
	return `${dateCell(date, format)} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/**
 * What a spreadsheet may run as a formula: a cell starting with =, +, - or @
 * (or their full-width forms, which some read as the same), also after
 * spaces or control characters that some readers drop first; and any cell
 * starting with a control character (NUL, tab, CR, LF), whatever follows.
 */
const FORMULA_START = /^[\s\x00-\x1f\u3000]*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\x00-\x1f]/;

/** Defuses formulas with a leading apostrophe, then quotes, whatever the text. */
export function textCell(value: string): string {
	return `"${(FORMULA_START.test(value) ? `'${value}` : value).replace(/"/g, '""')}"`;
}

/** Quotes a field holding a separator (comma or semicolon), a quote, CR or LF, doubling inner quotes. */
export function quote(value: string): string {
	return /[",;\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
