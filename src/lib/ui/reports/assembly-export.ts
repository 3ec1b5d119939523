/**
 * The general assembly pack as files: a CSV in the reader's spreadsheet
 * conventions, one table after another with a blank line between (each with
 * its title and its header row), and the pack itself as JSON for tools, with
 * codes, ids and minor units.
 */
import { toDecimalString } from '$lib/domain/core';
import { textCell, type CsvFormat } from '$lib/domain/money';
import type { AssemblyPack } from '$lib/domain/reports';
import * as m from '$lib/paraglide/messages';
import { whoName } from '../bookings/who';
import { effectText, outcomeLabel, type Names } from '../decisions/labels';
import { formatDate, formatSlot } from '../format';
import { categoryLabel, duesStateText } from '../money/labels';

type Cell = { text: string } | { amount: number; currency: string } | { quantity: number };

function cell(value: Cell, format: CsvFormat): string {
	if ('text' in value) return value.text === '' ? '' : textCell(value.text);
	const exact = 'amount' in value ? toDecimalString(value.amount, value.currency) : String(value.quantity);
	// A number stays bare, so that the spreadsheet reads it as one.
	return format.decimal === ',' ? exact.replace('.', ',') : exact;
}

const text = (value: string): Cell => ({ text: value });
const amount = (value: number, currency: string): Cell => ({ amount: value, currency });
const empty = text('');

/** The CSV of a pack; `names` say what a decision's effects point at. */
export function assemblyCsv(pack: AssemblyPack, collective: string, format: CsvFormat, names: Names): string {
	const lines: string[] = [];
	const row = (cells: Cell[]) => lines.push(cells.map((c) => cell(c, format)).join(format.separator));
	const table = (title: string, header: string[], rows: Cell[][]) => {
		lines.push('');
		row([text(title)]);
		row(header.map(text));
		for (const r of rows) row(r);
	};
	row([text(m.assembly_title()), text(collective), text(formatDate(pack.from)), text(formatDate(pack.to))]);

	table(
		m.assembly_accounts(),
		[m.money_fund(), m.currency(), m.assembly_csv_line(), m.assembly_received(), m.assembly_spent(), m.assembly_balance()],
		pack.funds.flatMap((f) => {
			const c = f.currency;
			return [
				[text(f.name), text(c), text(m.assembly_opening()), empty, empty, amount(f.opening, c)],
				...f.categories.map((line) => [text(f.name), text(c), text(categoryLabel(line.category)), amount(line.received, c), amount(line.spent, c), empty]),
				[text(f.name), text(c), text(m.assembly_transfers_in()), amount(f.transferredIn, c), empty, empty],
				[text(f.name), text(c), text(m.assembly_transfers_out()), empty, amount(f.transferredOut, c), empty],
				[text(f.name), text(c), text(m.assembly_closing()), empty, empty, amount(f.closing, c)]
			];
		})
	);

	table(
		m.assembly_budgets(),
		[m.money_fund(), m.assembly_csv_line(), m.assembly_planned(), m.assembly_spent_budget(), m.assembly_remaining()],
		pack.budgets.flatMap((b) => [
			...b.lines.map((l) => [text(b.name), text(l.label), amount(l.planned, b.currency), amount(l.spent, b.currency), amount(l.remaining, b.currency)]),
			...(b.unassigned !== 0 ? [[text(b.name), text(m.assembly_unassigned()), empty, amount(b.unassigned, b.currency), empty]] : [])
		])
	);

	table(
		m.assembly_dues({ date: formatDate(pack.to) }),
		[m.assembly_csv_member(), m.currency(), m.assembly_csv_expected(), m.assembly_csv_paid(), m.assembly_csv_state()],
		pack.dues.rows.map((s) => [text(s.name ?? m.someone()), text(s.currency), amount(s.expected, s.currency), amount(s.paid, s.currency), text(duesStateText(s))])
	);

	table(
		m.assembly_decisions(),
		[m.money_date(), m.money_decision(), m.assembly_csv_outcome(), m.assembly_csv_participants(), m.assembly_csv_effects()],
		pack.decisions.map((d) => [
			text(formatDate(d.closedOn)),
			text(d.title),
			text(outcomeLabel(d.outcome)),
			{ quantity: d.participants },
			text(d.effects.map((e) => effectText(e, names)).join(' / '))
		])
	);

	table(
		m.assembly_needs(),
		[m.money_need(), m.assembly_csv_unit(), m.assembly_csv_target(), m.assembly_csv_delivered(), m.assembly_csv_promised(), m.assembly_csv_conditional()],
		pack.needs.map(({ title, kind, progress: p }) => {
			const of = (n: number): Cell => (kind === 'money' ? amount(n, p.unit) : { quantity: n });
			return [text(title), text(p.unit), of(p.target), of(p.delivered), of(p.promised), of(p.conditional)];
		})
	);

	table(
		m.assembly_lent(),
		[m.assembly_csv_resource(), m.assembly_csv_for(), m.assembly_csv_when()],
		pack.lent.map((r) => [text(r.resourceName ?? m.decision_unknown_here()), text(whoName(r.who)), text(formatSlot(r.booking.start, r.booking.end))])
	);
	return lines.join('\r\n') + '\r\n';
}

/** The pack for tools: `{ "format": "passerelle-assembly", "version": 1, ... }`. */
export function assemblyJson(pack: AssemblyPack, collective: string): string {
	return JSON.stringify({ format: 'passerelle-assembly', version: 1, collective, ...pack }, null, '\t') + '\n';
}
