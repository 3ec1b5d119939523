import { describe, expect, it } from 'vitest';
import { addBudgetLine } from './funds';
import { newId } from '../core/ids';
import { reverseEntry } from './ledger-corrections';
import type * as Y from 'yjs';
import {
	CSV_COLUMNS,
	PLAIN_CSV,
	exportedEntries,
	ledgerCsv,
	ledgerCsvSlices,
	ledgerJson,
	ledgerJsonSlices,
	quote,
	textCell,
	type CsvColumn,
	type CsvFormat,
	type ExportedEntry
} from './csv';
import type { Linked } from './entry-names';
import { transferFunds } from './transfers';
import { createNeed, readNeeds } from '../needs/needs';
import { createDecision, listDecisions } from '../decisions/decisions';
import { created, entry, fund } from './testing';
import { joinSpace } from '../space/space';
import { memberId, newSpace } from '../space/testing';

/** A minimal RFC 4180 reader, to check what a spreadsheet would see. */
function parseCsv(csv: string, separator = ','): string[][] {
	const rows: string[][] = [];
	let row: string[] = [];
	let cell = '';
	let quoted = false;
	for (let i = 0; i < csv.length; i++) {
		const c = csv[i];
		if (quoted && c === '"' && csv[i + 1] === '"') {
			cell += '"';
			i++;
		} else if (c === '"') {
			quoted = !quoted;
		} else if (!quoted && c === separator) {
			row.push(cell);
			cell = '';
		} else if (!quoted && c === '\r' && csv[i + 1] === '\n') {
			row.push(cell);
			rows.push(row);
			row = [];
			cell = '';
			i++;
		} else {
			cell += c;
		}
	}
	return rows;
}

const FRENCH: CsvFormat = {
	separator: ';',
	decimal: ',',
	dates: 'dmy',
	headers: { date: 'Date', fund: 'Fonds', direction: 'Sens', amount: 'Montant', category: 'Catégorie', need: 'Besoin', decision: 'Décision' },
	direction: (d) => (d === 'in' ? 'Entrée' : 'Sortie'),
	category: (c) => ({ dues: 'Cotisation', donation: 'Don', purchase: 'Achat', allocation: 'Affectation', transfer: 'Transfert', other: 'Autre' })[c]
};

function linkedOf(doc: Y.Doc): Linked {
	return { needs: () => readNeeds(doc).items, decisions: () => listDecisions(doc).items };
}

/** Rows as objects by column code. */
function byColumn(csv: string, separator: string): Record<CsvColumn, string>[] {
	const plain = (cell = '') => cell.replace(/^'(?=-)/, '');
	return parseCsv(csv, separator)
		.slice(1)
		.map((r) => Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, plain(r[i])])) as Record<CsvColumn, string>);
}

describe('ledger CSV', () => {
	it('reads in a French spreadsheet: semicolons, decimal commas, labels and names in words, local dates, the sign given once', () => {
		const { doc, by } = newSpace();
		const bob = memberId();
		joinSpace(doc, bob, 'Bob');
		const budget = fund(doc, by, { name: 'Festival', kind: 'budget' });
		const bank = fund(doc, by, { name: 'Banque', kind: 'bank' });
		const line = created(addBudgetLine(doc, budget, { label: 'Son', planned: 1 }, by));
		const needId = createNeed(doc, { kind: 'money', title: 'Loyer de mars', unit: 'EUR', target: 100_000 }, by);
		const decision = created(createDecision(doc, { title: 'Sono pour la fête', proposal: 'Oui', process: 'consent', closesAt: 10 }, by, 1));
		const income = entry(doc, by, budget, { amount: 123_456, category: 'dues', counterparty: { kind: 'member', memberId: bob }, needId }, new Date(2026, 0, 10, 9, 5).getTime());
		const spent = entry(doc, bob, budget, {
			amount: 5,
			direction: 'out',
			category: 'purchase',
			counterparty: { kind: 'outside', name: 'Sono; "Le Bruit"' },
			note: 'Câbles\nXLR',
			budgetLineId: line,
			decisionId: decision,
			date: '2026-01-11'
		});
		const reversed = reverseEntry(doc, spent, by, 'Erreur', 9_000, { date: '2026-01-12' });
		expect(transferFunds(doc, { fromFundId: budget, toFundId: bank, amount: 1000, date: '2026-01-13' }, by).ok).toBe(true);

		const csv = ledgerCsv(doc, {}, linkedOf(doc), FRENCH);
		expect(csv.endsWith('\r\n')).toBe(true);
		expect(parseCsv(csv, ';')[0]?.slice(0, 6)).toEqual(['Date', 'Fonds', 'Sens', 'Montant', 'currency', 'Catégorie']);
		const rows = byColumn(csv, ';');
		expect(rows).toHaveLength(5);
		expect(rows[0]).toMatchObject({
			id: income,
			date: '10/01/2026',
			fund: 'Festival',
			direction: 'Entrée',
			amount: '1234,56',
			currency: 'EUR',
			category: 'Cotisation',
			counterparty: 'Bob',
			need: 'Loyer de mars',
			recorded_at: '10/01/2026 09:05',
			recorded_by: 'Alice'
		});
		expect(rows[1]).toMatchObject({
			direction: 'Sortie',
			amount: '0,05',
			counterparty: 'Sono; "Le Bruit"',
			note: 'Câbles\nXLR',
			budget_line: 'Son',
			decision: 'Sono pour la fête',
			reversed_by: reversed.ok ? reversed.ids[0] : 'x',
			recorded_by: 'Bob'
		});
		expect(rows[2]).toMatchObject({ direction: 'Entrée', amount: '0,05', reverses: spent, category: 'Achat', budget_line: 'Son', note: 'Erreur' });
		// A transfer names the fund at its other end.
		expect(rows.slice(3).map((r) => [r.fund, r.direction, r.category, r.transfer]).sort()).toEqual([
			['Banque', 'Entrée', 'Transfert', 'Festival'],
			['Festival', 'Sortie', 'Transfert', 'Banque']
		]);
		// No cell carries a minus sign: the direction gives it, once.
		expect(rows.every((r) => !r.amount.startsWith('-'))).toBe(true);
	});

	it('keeps commas, dots and ISO dates for English, under headers in the reader’s language, through the filter', () => {
		const { doc, by } = newSpace();
		const box = fund(doc, by);
		entry(doc, by, box, { date: '2026-01-01' });
		entry(doc, by, box, { date: '2026-02-01', amount: 250_075 });
		const csv = ledgerCsv(doc, { from: '2026-02-01' }, linkedOf(doc), { ...PLAIN_CSV, headers: { date: 'Date', amount: 'Amount' } });
		const rows = parseCsv(csv);
		expect(rows).toHaveLength(2);
		expect(rows[0]?.slice(0, 5)).toEqual(['Date', 'fund', 'direction', 'Amount', 'currency']);
		expect(rows[1]?.slice(0, 5)).toEqual(['2026-02-01', 'Caisse', 'in', '2500.75', 'EUR']);
		expect(ledgerCsv(doc, { fundId: newId<'fund'>() })).toBe(CSV_COLUMNS.map((c) => `"${c}"`).join(',') + '\r\n');
	});

	it('offers the same entries as JSON for tools: codes, ids, minor units and names', () => {
		const { doc, by } = newSpace();
		const box = fund(doc, by);
		const needId = createNeed(doc, { kind: 'money', title: 'Loyer', unit: 'EUR', target: 100_000 }, by);
		const gift = entry(doc, by, box, { amount: 80_000, needId, counterparty: { kind: 'outside', name: 'Amis' } });
		const data = JSON.parse(ledgerJson(doc, {}, linkedOf(doc))) as { format: string; version: number; entries: ExportedEntry[] };
		expect(data).toMatchObject({ format: 'passerelle-ledger', version: 1 });
		expect(data.entries).toEqual([...exportedEntries(doc, {}, linkedOf(doc))]);
		expect(data.entries).toMatchObject([
			{ id: gift, fund: 'Caisse', fundId: box, direction: 'in', amount: 80_000, amountDecimal: '800.00', category: 'donation', needId, need: 'Loyer', counterparty: 'Amis' }
		]);
		expect(JSON.parse(ledgerJson(doc, { fundId: newId<'fund'>() }))).toMatchObject({ entries: [] });
	});

	it('builds a large ledger in slices that add up to the whole file', () => {
		const { doc, by } = newSpace();
		const box = fund(doc, by);
		doc.transact(() => {
			for (let i = 0; i < 2500; i++) entry(doc, by, box, { amount: 100 + i, direction: i % 3 === 0 ? 'out' : 'in', category: i % 3 === 0 ? 'purchase' : 'donation' }, 10_000 + i);
		});
		const slices = [...ledgerCsvSlices(doc, {}, linkedOf(doc), FRENCH, 1000)];
		expect(slices).toHaveLength(4);
		expect(slices.join('')).toBe(ledgerCsv(doc, {}, linkedOf(doc), FRENCH));
		expect(parseCsv(slices.join(''), ';')).toHaveLength(2501);
		const json = [...ledgerJsonSlices(doc, {}, linkedOf(doc), 1000)];
		expect((JSON.parse(json.join('')) as { entries: unknown[] }).entries).toHaveLength(2500);
	});

	it('defuses formulas in text cells and quotes what needs quoting', () => {
		const { doc, by } = newSpace();
		const box = fund(doc, by, { name: '=HYPERLINK("http://x")' });
		entry(doc, by, box, { note: '+cmd', counterparty: { kind: 'outside', name: '@SUM(A1)' } }, 1);
		entry(doc, by, box, { note: '-2+3', direction: 'out', category: 'purchase' }, 2);
		const rows = parseCsv(ledgerCsv(doc));
		expect(rows[1]).toContain(`'=HYPERLINK("http://x")`);
		expect(rows[1]).toContain(`'+cmd`);
		expect(rows[1]).toContain(`'@SUM(A1)`);
		expect(rows[2]).toContain(`'-2+3`);
		// The amount is a bare number, without a sign.
		expect(rows[2]).toContain('10.00');
		expect(textCell('\tx')).toBe(`"'\tx"`);
		expect(textCell('a,b')).toBe('"a,b"');
		expect(quote('say "hi"')).toBe('"say ""hi"""');
		expect(quote('line\r\nbreak')).toBe('"line\r\nbreak"');
		expect(textCell('plain')).toBe('"plain"');
	});

	it('quotes every text cell, so that a reader splitting at semicolons finds no formula either', () => {
		const { doc, by } = newSpace();
		const box = fund(doc, by, { name: 'Caisse;=HYPERLINK("http://x")' });
		entry(doc, by, box, { note: 'Loyer;@SUM(A1)', counterparty: { kind: 'outside', name: 'Bar;+1' } }, 1);
		entry(doc, by, box, { note: 'a;-2+3', direction: 'out', category: 'purchase' }, 2);
		const csv = ledgerCsv(doc);
		// An Excel or LibreOffice set to French or Italian reads the file with ';' as the separator.
		for (const row of parseCsv(csv, ';')) {
			for (const cell of row) expect(cell).not.toMatch(/^\s*[=+@-]/);
		}
		// Read with commas, the text is whole, and the amount is still a bare number.
		const rows = parseCsv(csv);
		expect(rows[1]).toContain('Caisse;=HYPERLINK("http://x")');
		expect(rows[1]).toContain('Loyer;@SUM(A1)');
		expect(csv).toContain(',10.00,');
		expect(rows[2]).toContain('10.00');
	});

	it('defuses cells that start with NUL, a control character, spaces before a formula, or full-width formula signs', () => {
		expect(textCell('\0=1+1')).toBe(`"'\0=1+1"`);
		expect(textCell('\0plain')).toBe(`"'\0plain"`);
		expect(textCell('\n=1+1')).toBe(`"'\n=1+1"`);
		expect(textCell('  =1+1')).toBe(`"'  =1+1"`);
		expect(textCell('＝1+1')).toBe(`"'＝1+1"`);
		expect(textCell('＋1')).toBe(`"'＋1"`);
		expect(textCell('－1')).toBe(`"'－1"`);
		expect(textCell('＠A1')).toBe(`"'＠A1"`);
		expect(textCell('a = b')).toBe('"a = b"');
		expect(quote('-10.00')).toBe('-10.00');
		expect(quote('a;b')).toBe('"a;b"');
	});
});
