import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { derivedViews } from '../core/derived';
import { newId } from '../core/ids';
import { fundsMap, ledgerMap } from '../core/schema';
import { joinSpace } from '../space/space';
import { memberId, newSpace } from '../space/testing';
import { setDues } from './dues';
import { addBudgetLine, removeBudgetLine, setFundArchived } from './funds';
import { editEntry, reverseEntry } from './ledger-corrections';
import { created, entry, fund } from './testing';
import { transferFunds } from './transfers';
import { duesView, entryPageView, fundPageView, ledgerView, moneyOverviewView, type Linked, type LinkableNeed } from './views';

const drill: LinkableNeed = { id: newId<'need'>(), title: 'Perceuse', kind: 'money', unit: 'EUR', status: 'open' };
const swissNeed: LinkableNeed = { id: newId<'need'>(), title: 'Loyer à Genève', kind: 'money', unit: 'CHF', status: 'open' };
const closedNeed: LinkableNeed = { id: newId<'need'>(), title: 'Ancien besoin', kind: 'money', unit: 'EUR', status: 'closed' };
const flour: LinkableNeed = { id: newId<'need'>(), title: 'Farine', kind: 'goods', unit: 'kg', status: 'open' };
const assembly = { id: newId<'decision'>(), title: 'Achat de la perceuse' };
const linked: Linked = { needs: () => [drill, swissNeed, closedNeed, flour], decisions: () => [assembly] };

describe('money views', () => {
	it('overview: balances, open totals by currency, archived funds on demand, negative funds and budgets', () => {
		const { doc, by } = newSpace();
		const box = fund(doc, by, { name: 'Caisse' });
		const bank = fund(doc, by, { name: 'Banque', kind: 'bank' });
		const swiss = fund(doc, by, { name: 'Compte suisse', kind: 'bank', currency: 'CHF' });
		const old = fund(doc, by, { name: 'Ancienne caisse' });
		const party = fund(doc, by, { name: 'Fête', kind: 'budget' });
		created(addBudgetLine(doc, party, { label: 'Boissons', planned: 10_000 }, by));
		entry(doc, by, box, { amount: 5_000 });
		entry(doc, by, bank, { amount: 2_500 });
		entry(doc, by, swiss, { amount: 700 });
		entry(doc, by, old, { amount: 9_999 });
		entry(doc, by, party, { amount: 15_000, direction: 'out', category: 'purchase' });
		setFundArchived(doc, old, true, by);

		const shown = moneyOverviewView(doc, { showArchived: false });
		expect(shown.funds.map((f) => f.fund.name)).toEqual(['Banque', 'Caisse', 'Compte suisse', 'Fête']);
		expect(shown.archivedCount).toBe(1);
		expect(shown.funds.find((f) => f.fund.id === box)).toMatchObject({ balance: 5_000, entries: 1, budget: null });
		// The archived box's money is history: only open funds count in the totals.
		expect(shown.totals).toEqual([
			{ currency: 'CHF', amount: 700 },
			{ currency: 'EUR', amount: 5_000 + 2_500 - 15_000 }
		]);
		expect(shown.funds.find((f) => f.fund.id === party)?.budget).toEqual({ planned: 10_000, spent: 15_000, remaining: -5_000, spentShare: 1 });
		expect(shown.negative).toMatchObject([{ fund: { id: party }, balance: -15_000, entries: [{ amount: 15_000 }] }]);
		expect(moneyOverviewView(doc, { showArchived: true }).funds.map((f) => f.fund.name)).toContain('Ancienne caisse');

		fundsMap(doc).set('junk', 'not a fund');
		ledgerMap(doc).set('junk', 'not an entry');
		expect(moneyOverviewView(doc, { showArchived: false }).unreadable).toBe(2);
	});

	it('ledger: one filter, totals over every entry kept, newest first, names looked up per row', () => {
		const { doc, by } = newSpace();
		const bob = memberId();
		joinSpace(doc, bob, 'Bob', 1_700_000_000_500);
		const box = fund(doc, by, { name: 'Caisse' });
		const bank = fund(doc, by, { name: 'Banque', kind: 'bank' });
		const budget = fund(doc, by, { name: 'Fête', kind: 'budget' });
		const drinks = created(addBudgetLine(doc, budget, { label: 'Boissons', planned: 10_000 }, by));
		const gone = created(addBudgetLine(doc, budget, { label: 'Affiches', planned: 1_000 }, by));
		removeBudgetLine(doc, budget, gone, by);
		const dues = entry(doc, by, box, { date: '2026-01-05', amount: 1_000, category: 'dues', counterparty: { kind: 'member', memberId: bob } });
		const bought = entry(doc, by, box, {
			date: '2026-01-10',
			amount: 4_250,
			direction: 'out',
			category: 'purchase',
			counterparty: { kind: 'outside', name: 'Quincaillerie' },
			needId: drill.id,
			decisionId: assembly.id
		});
		entry(doc, by, budget, { date: '2026-01-11', amount: 300, direction: 'out', category: 'purchase', budgetLineId: drinks });
		const moved = transferFunds(doc, { fromFundId: box, toFundId: bank, amount: 500, date: '2026-01-12' }, by);
		if (!moved.ok) throw new Error(moved.reason);
		const reversed = reverseEntry(doc, bought, bob, 'Payé deux fois', 9_000, { date: '2026-01-13' });
		if (!reversed.ok) throw new Error(reversed.reason);

		const all = ledgerView(doc, {}, linked);
		expect(all.entries.map((e) => e.date)).toEqual(['2026-01-13', '2026-01-12', '2026-01-12', '2026-01-11', '2026-01-10', '2026-01-05']);
		// The purchase paid twice and reversed is not income; the transfer is neither received nor spent.
		expect(all.totals).toEqual([{ currency: 'EUR', received: 1_000, spent: 300, transferredIn: 500, transferredOut: 500, net: 700 }]);

		const ofBox = ledgerView(doc, { fundId: box }, linked);
		expect(ofBox.entries.map((e) => e.id)).toEqual([reversed.ids[0], moved.outId, bought, dues]);
		expect(ofBox.totals).toEqual([{ currency: 'EUR', received: 1_000, spent: 0, transferredIn: 0, transferredOut: 500, net: 500 }]);
		expect(ledgerView(doc, { memberId: bob }, linked).entries.map((e) => e.id)).toEqual([dues]);

		const purchase = ofBox.row(ofBox.entries[2]!);
		expect(purchase).toMatchObject({
			fundName: 'Caisse',
			party: { kind: 'outside', name: 'Quincaillerie' },
			needTitle: 'Perceuse',
			decisionTitle: 'Achat de la perceuse',
			original: null,
			reversal: { id: reversed.ids[0], note: 'Payé deux fois' },
			recordedBy: 'Alice',
			editedBy: null
		});
		expect(ofBox.row(ofBox.entries[0]!)).toMatchObject({ original: { id: bought }, recordedBy: 'Bob' });
		expect(ofBox.row(ofBox.entries[1]!).otherLeg).toEqual({ id: moved.inId, fundName: 'Banque' });
		expect(ofBox.row(ofBox.entries[3]!).party).toEqual({ kind: 'member', memberId: bob, name: 'Bob' });
		const line = ledgerView(doc, { fundId: budget }, linked);
		expect(line.row(line.entries[0]!).lineLabel).toBe('Boissons');

		const { choices } = all;
		expect(choices.funds.map((f) => f.name)).toEqual(['Banque', 'Caisse', 'Fête']);
		expect(choices.linesOf(budget).map((l) => l.label)).toEqual(['Boissons']);
		expect(choices.moneyNeeds.map((n) => n.title)).toEqual(['Perceuse', 'Loyer à Genève']);
		expect(choices.needs).toHaveLength(4);
		expect(choices.decisions).toEqual([assembly]);
		setFundArchived(doc, bank, true, by);
		expect(ledgerView(doc, {}, linked).choices.openFunds.map((f) => f.name)).toEqual(['Caisse', 'Fête']);
	});

	it('entry page: the row, what may still be done, what the edit form offers, and the history in names', () => {
		const { doc, by } = newSpace();
		const bob = memberId();
		joinSpace(doc, bob, 'Bob', 1_700_000_000_500);
		const budget = fund(doc, by, { name: 'Fête', kind: 'budget' });
		const drinks = created(addBudgetLine(doc, budget, { label: 'Boissons', planned: 10_000 }, by));
		const posters = created(addBudgetLine(doc, budget, { label: 'Affiches', planned: 1_000 }, by));
		const id = entry(doc, by, budget, { amount: 300, direction: 'out', category: 'purchase', budgetLineId: posters });
		removeBudgetLine(doc, budget, posters, by);
		expect(editEntry(doc, id, { budgetLineId: drinks, needId: drill.id, counterparty: { kind: 'member', memberId: bob } }, bob, 5_000)).toEqual({
			ok: true,
			changed: true
		});
		expect(editEntry(doc, id, { date: '2026-02-01', note: 'Sirops' }, by, 6_000)).toEqual({ ok: true, changed: true });

		const view = entryPageView(doc, id, linked);
		expect(view).toMatchObject({ fund: { id: budget }, reversible: true, unreadableHistory: 0 });
		expect(view?.row).toMatchObject({ lineLabel: 'Boissons', needTitle: 'Perceuse', party: { name: 'Bob' }, editedBy: 'Alice' });
		// The line in use stays offered; the one removed before is gone.
		expect(view?.editLines.map((l) => l.label)).toEqual(['Boissons']);
		expect(view?.editNeeds.map((n) => n.title)).toEqual(['Perceuse']);
		expect(view?.history).toEqual([
			{
				at: 5_000,
				byName: 'Bob',
				changes: [
					{ field: 'counterparty', from: { field: 'counterparty', value: null }, to: { field: 'counterparty', value: { kind: 'member', memberId: bob, name: 'Bob' } } },
					{ field: 'budgetLineId', from: { field: 'budgetLineId', value: 'Affiches' }, to: { field: 'budgetLineId', value: 'Boissons' } },
					{ field: 'needId', from: { field: 'needId', value: null }, to: { field: 'needId', value: 'Perceuse' } }
				]
			},
			{
				at: 6_000,
				byName: 'Alice',
				changes: [
					{ field: 'date', from: { field: 'date', value: '2026-01-10' }, to: { field: 'date', value: '2026-02-01' } },
					{ field: 'note', from: { field: 'note', value: null }, to: { field: 'note', value: 'Sirops' } }
				]
			}
		]);

		reverseEntry(doc, id, by, 'Erreur');
		expect(entryPageView(doc, id, linked)?.reversible).toBe(false);
		expect(entryPageView(doc, newId<'ledger-entry'>(), linked)).toBeNull();
	});

	it('fund page: balance, budget, the latest entries newest first, and who created it', () => {
		const { doc, by } = newSpace();
		const budget = fund(doc, by, { name: 'Fête', kind: 'budget' });
		const other = fund(doc, by, { name: 'Caisse' });
		created(addBudgetLine(doc, budget, { label: 'Boissons', planned: 10_000 }, by));
		entry(doc, by, budget, { amount: 20_000 });
		for (let day = 10; day < 22; day++) entry(doc, by, budget, { date: `2026-01-${day}`, amount: 100, direction: 'out', category: 'purchase' });
		entry(doc, by, other, { amount: 777 });

		const view = fundPageView(doc, budget, linked, 3);
		expect(view).toMatchObject({ fund: { name: 'Fête' }, balance: 20_000 - 1_200, entryCount: 13, totalEntries: 13, creatorName: 'Alice' });
		expect(view?.recent.map((r) => r.entry.date)).toEqual(['2026-01-21', '2026-01-20', '2026-01-19']);
		expect(view?.budget?.totals).toEqual({ planned: 10_000, spent: 1_200, remaining: 8_800 });
		expect(fundPageView(doc, other, linked)?.budget).toBeNull();
		expect(fundPageView(doc, newId<'fund'>(), linked)).toBeNull();
	});

	it('a kept ledger view is computed again when a name its rows look up later changes, and kept otherwise', () => {
		const { doc, by } = newSpace();
		const box = fund(doc, by, { name: 'Caisse' });
		entry(doc, by, box);
		const kept = () => derivedViews(doc).get('ledger', () => ledgerView(doc, {}, linked));
		const first = kept();
		expect(kept()).toBe(first);
		// Rows look names up only when shown: renaming a member must still give a fresh view.
		joinSpace(doc, by, 'Alice Martin');
		const renamed = kept();
		expect(renamed).not.toBe(first);
		expect(renamed.row(renamed.entries[0]!).recordedBy).toBe('Alice Martin');
	});

	it('dues: the default, each member with their own setting, who is late, and the funds to pay into', () => {
		const { doc, by } = newSpace();
		const bob = memberId();
		joinSpace(doc, bob, 'Bob', Date.UTC(2026, 0, 1));
		const box = fund(doc, by, { name: 'Caisse' });
		const old = fund(doc, by, { name: 'Ancienne caisse' });
		setFundArchived(doc, old, true, by);
		expect(setDues(doc, 'default', { amount: 1_000, currency: 'EUR', period: 'monthly', start: '2026-01-01' }, by)).toEqual({ ok: true, changed: true });
		expect(setDues(doc, bob, { amount: 500, currency: 'EUR', period: 'monthly', start: '2026-01-01' }, by)).toEqual({ ok: true, changed: true });
		entry(doc, by, box, { date: '2026-01-02', amount: 3_000, category: 'dues', counterparty: { kind: 'member', memberId: by } });

		const view = duesView(doc, '2026-03-15');
		expect(view.fallback).toMatchObject({ target: 'default', amount: 1_000 });
		expect(view.members.map((r) => [r.status.name, r.status.state, r.own?.amount ?? null])).toEqual([
			['Alice', 'up_to_date', null],
			['Bob', 'late', 500]
		]);
		expect(view.statuses).toHaveLength(2);
		expect(view.lateCount).toBe(1);
		expect(view.funds.map((f) => f.name)).toEqual(['Caisse']);
		expect(duesView(new Y.Doc(), '2026-03-15')).toMatchObject({ fallback: null, members: [], lateCount: 0 });
	});
});
