/**
 * What the worker makes equals what the page makes: the same domain functions
 * on a document rebuilt, as the worker rebuilds it, from the updates the device
 * keeps. A space of two years with a few thousand ledger entries, generated
 * with the domain's own writes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { baseLocale, overwriteGetLocale, type Locale } from '$lib/paraglide/runtime';
import { localDate, newId } from '$lib/domain/core';
import { createSpace } from '$lib/domain/space';
import { ledgerCsv, ledgerJson, listEntries, listFunds } from '$lib/domain/money';
import { transparencyView } from '$lib/domain/reports';
import { csvFormat } from '$lib/ui/money/export';
import { EARLIEST } from '$lib/ui/reports/period';
import { generateSpace } from '../../../bench/scale/generate';
import { applyStored, derive, DerivationCancelled, EXPORT_SLICE, linkedNames, type DerivationProgress } from './derivations';

const END = Date.UTC(2026, 10, 30);
const DAY = 86_400_000;

let page: Y.Doc;
/** The updates as the device keeps them: the space written in several transactions. */
const stored: Uint8Array[] = [];

beforeAll(() => {
	page = new Y.Doc();
	page.on('update', (update: Uint8Array) => stored.push(update));
	createSpace(page, { name: 'Atelier', description: '' }, newId<'member'>(), END - 800 * DAY);
	generateSpace(
		page,
		{ members: 6, resources: 40, funds: 4, entries: 2600, needs: 8, pledges: 60, decisions: 12, positions: 60, bookings: 80 },
		{ seed: 5, end: END, batch: 200 }
	);
}, 120_000);

afterAll(() => overwriteGetLocale(() => baseLocale));

/** The worker's document: what the device keeps, applied as the worker applies it. */
function workerDoc(): Y.Doc {
	const doc = new Y.Doc();
	applyStored(doc, stored);
	return doc;
}

function pageCsv(locale: Locale, filter = {}): string {
	overwriteGetLocale(() => locale);
	return ledgerCsv(page, filter, linkedNames(page), csvFormat(locale));
}

describe('derivations off the page', () => {
	it('rebuilds the document from several stored updates', () => {
		expect(stored.length).toBeGreaterThan(5);
		expect(listEntries(workerDoc()).items.length).toBe(listEntries(page).items.length);
		expect(listEntries(page).items.length).toBeGreaterThan(2500);
	});

	it.each([
		['a month', '2026-11-01', '2026-11-30'],
		['a whole year', '2025-01-01', '2025-12-31'],
		['several years', '2024-01-01', localDate(new Date(END))],
		['since the start', EARLIEST, localDate(new Date(END))]
	])('makes the transparency report for %s equal to the page’s', async (_name, from, to) => {
		const done = await derive(workerDoc(), { kind: 'transparency', from, to });
		expect(done.kind).toBe('transparency');
		const expected = transparencyView(page, from, to);
		expect(done.kind === 'transparency' && done.view).toEqual(expected);
		// Not a vacuous equality: the longer periods carry money and decisions.
		if (from < '2026-01-01') {
			expect(expected.flows.length).toBeGreaterThan(0);
			expect(expected.decisions.length).toBeGreaterThan(0);
		}
	});

	it.each(['fr', 'it', 'en'] as const)('exports the ledger as CSV in %s equal to the page’s file', async (locale) => {
		const done = await derive(workerDoc(), { kind: 'ledger-export', format: 'csv', filter: {}, locale });
		const expected = pageCsv(locale);
		expect(done.kind === 'ledger-export' && done.text).toBe(expected);
		expect(done.kind === 'ledger-export' && done.entries).toBe(listEntries(page).items.length);
		// Header plus one line an entry.
		expect(expected.split('\r\n').length - 2).toBe(listEntries(page).items.length);
	});

	it('exports a filtered ledger as CSV and JSON equal to the page’s', async () => {
		const fund = listFunds(page).items.find((f) => f.kind === 'bank')!;
		const filter = { fundId: fund.id, from: '2025-03-01', to: '2025-10-31' };
		const csv = await derive(workerDoc(), { kind: 'ledger-export', format: 'csv', filter, locale: 'fr' });
		expect(csv.kind === 'ledger-export' && csv.text).toBe(pageCsv('fr', filter));
		const json = await derive(workerDoc(), { kind: 'ledger-export', format: 'json', filter, locale: 'en' });
		expect(json.kind === 'ledger-export' && json.text).toBe(ledgerJson(page, filter, linkedNames(page)));
		const parsed = JSON.parse(json.kind === 'ledger-export' ? json.text : '') as { entries: { fundId: string }[] };
		expect(parsed.entries.length).toBe(listEntries(page, filter).items.length);
		expect(parsed.entries.every((e) => e.fundId === fund.id)).toBe(true);
	});

	it('tells its progress a thousand entries at a time, ending at the whole', async () => {
		const steps: DerivationProgress[] = [];
		await derive(workerDoc(), { kind: 'ledger-export', format: 'csv', filter: {}, locale: 'fr' }, { progress: (p) => steps.push(p) });
		const total = 1 + Math.ceil(listEntries(page).items.length / EXPORT_SLICE);
		expect(steps.every((s) => s.total === total)).toBe(true);
		expect(steps.map((s) => s.done)).toEqual([...Array(total + 1).keys(), total]);

		const report: DerivationProgress[] = [];
		await derive(workerDoc(), { kind: 'transparency', from: EARLIEST, to: '2026-12-31' }, { progress: (p) => report.push(p) });
		expect(report.at(0)).toEqual({ done: 0, total: 4 });
		expect(report.at(-1)).toEqual({ done: 4, total: 4 });
	});

	it('stops at the next step once cancelled, with nothing made', async () => {
		let steps = 0;
		const run = derive(
			workerDoc(),
			{ kind: 'ledger-export', format: 'csv', filter: {}, locale: 'fr' },
			{ progress: () => steps++, cancelled: () => steps >= 2 }
		);
		await expect(run).rejects.toBeInstanceOf(DerivationCancelled);
		expect(steps).toBe(2);
	});
});
