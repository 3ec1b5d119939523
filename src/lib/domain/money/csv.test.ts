import { describe, expect, it } from 'vitest';
import { addBudgetLine } from './funds';
import { newId } from '../core/ids';
import { reverseEntry } from './ledger-corrections';
import { CSV_COLUMNS, ledgerCsv, quote, textCell } from './csv';
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

describe('ledger CSV', () => {
	it('writes a header and one row per entry, with names, exact signed amounts and ISO dates', () => {
		const { doc, by } = newSpace();
		const bob = memberId();
		joinSpace(doc, bob, 'Bob');
		const budget = fund(doc, by, { name: 'Festival', kind: 'budget' });
		const line = created(addBudgetLine(doc, budget, { label: 'Son', planned: 1 }, by));
		const decision = newId<'decision'>();
		const income = entry(doc, by, budget, { amount: 123_456, category: 'dues', counterparty: { kind: 'member', memberId: bob } }, Date.UTC(2026, 0, 10, 9));
		const spent = entry(doc, bob, budget, {
			amount: 5,
			direction: 'out',
			category: 'purchase',
			counterparty: { kind: 'outside', name: 'Sono, "Le Bruit"' },
			note: 'Câbles\nXLR',
			budgetLineId: line,
			decisionId: decision,
			date: '2026-01-11'
		});
		const reversed = reverseEntry(doc, spent, by, 'Erreur', 9_000, { date: '2026-01-12' });
		const csv = ledgerCsv(doc);
		expect(csv.endsWith('\r\n')).toBe(true);
		const rows = parseCsv(csv);
		expect(rows[0]).toEqual([...CSV_COLUMNS]);
		// Random ids may begin with '-', which is defused like any text cell.
		const plain = (cell = '') => cell.replace(/^'(?=-)/, '');
		const cells = rows.slice(1).map((r) => Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, plain(r[i])])));
		expect(cells).toHaveLength(3);
		expect(cells[0]).toMatchObject({
			id: income,
			date: '2026-01-10',
			fund: 'Festival',
			direction: 'in',
			amount: '1234.56',
			currency: 'EUR',
			category: 'dues',
			counterparty: 'Bob',
			recorded_at: '2026-01-10T09:00:00.000Z',
			recorded_by: 'Alice'
		});
		expect(cells[1]).toMatchObject({
			amount: '-0.05',
			counterparty: 'Sono, "Le Bruit"',
			note: 'Câbles\nXLR',
			budget_line: 'Son',
			decision,
			reversed_by: reversed.ok ? reversed.ids[0] : 'x',
			recorded_by: 'Bob'
		});
		expect(cells[2]).toMatchObject({ amount: '0.05', reverses: spent, category: 'purchase', budget_line: 'Son', note: 'Erreur' });
	});

	it('exports what the filter selects, under headers in the reader’s language', () => {
		const { doc, by } = newSpace();
		const box = fund(doc, by);
		entry(doc, by, box, { date: '2026-01-01' });
		entry(doc, by, box, { date: '2026-02-01' });
		const rows = parseCsv(ledgerCsv(doc, { from: '2026-02-01' }, { headers: { date: 'Date', amount: 'Montant' } }));
		expect(rows).toHaveLength(2);
		expect(rows[0]?.slice(0, 5)).toEqual(['id', 'Date', 'fund', 'direction', 'Montant']);
		expect(ledgerCsv(doc, { fundId: newId<'fund'>() })).toBe(CSV_COLUMNS.map((c) => `"${c}"`).join(',') + '\r\n');
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
		// The amount is a number: its minus sign stays.
		expect(rows[2]).toContain('-10.00');
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
		expect(csv).toContain(',-10.00,');
		expect(rows[2]).toContain('-10.00');
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
