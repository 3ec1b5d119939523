import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { listActivity } from '../core/activity';
import {
	addBudgetLine,
	budgetLines,
	createFund,
	editBudgetLine,
	editFund,
	getFund,
	listFunds,
	removeBudgetLine,
	setFundArchived
} from './funds';
import { created, fund, replica } from './testing';
import { newId } from '../core/ids';
import { fundsMap } from '../core/schema';
import { memberId, newSpace, syncDocs } from '../space/testing';

describe('funds', () => {
	it('creates a fund of each kind, one currency for life, and records who did it', () => {
		const { doc, by } = newSpace();
		const id = created(createFund(doc, { name: ' Banque ', kind: 'bank', currency: 'eur', description: 'Compte courant' }, by, 500));
		expect(getFund(doc, id)).toMatchObject({
			name: 'Banque',
			kind: 'bank',
			currency: 'EUR',
			description: 'Compte courant',
			archived: false,
			createdBy: by,
			createdAt: 500
		});
		fund(doc, by, { name: 'Caisse' });
		fund(doc, by, { name: 'Fête de quartier', kind: 'budget' });
		expect(listFunds(doc).items.map((f) => f.name)).toEqual(['Banque', 'Caisse', 'Fête de quartier']);
		expect(listFunds(doc, { kind: 'budget' }).items).toHaveLength(1);
		expect(listActivity(doc, { subjectId: id }).items).toMatchObject([{ action: 'fund.created', summary: 'Banque', by }]);
	});

	it('refuses invalid input with the field named and writes nothing', () => {
		const { doc, by } = newSpace();
		const before = Y.encodeStateAsUpdate(doc);
		expect(createFund(doc, { name: ' ', kind: 'cash', currency: 'EUR' }, by)).toMatchObject({ ok: false, reason: 'invalid_field' });
		expect(createFund(doc, { name: 'Caisse', kind: 'cash', currency: 'euro' }, by)).toMatchObject({ ok: false, field: 'currency' });
		// @ts-expect-error an unknown kind is a caller bug
		expect(createFund(doc, { name: 'Caisse', kind: 'crypto', currency: 'EUR' }, by)).toMatchObject({ ok: false, field: 'kind' });
		expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
	});

	it('edits name and description, keeping both sides of concurrent edits; kind and currency stay', () => {
		const { doc: a, by } = newSpace();
		const id = fund(a, by);
		const b = replica(a);
		editFund(a, id, { name: 'Caisse du bar' }, by, 3_000);
		editFund(b, id, { description: 'Sous le comptoir' }, memberId(), 3_000);
		// @ts-expect-error the currency cannot be edited
		expect(editFund(a, id, { currency: 'CHF' }, by)).toMatchObject({ ok: false, field: 'currency' });
		syncDocs(a, b);
		for (const doc of [a, b]) {
			expect(getFund(doc, id)).toMatchObject({ name: 'Caisse du bar', description: 'Sous le comptoir', currency: 'EUR' });
			expect(listActivity(doc, { subjectId: id, subjectKind: 'fund' }).items).toHaveLength(3);
		}
	});

	it('archives and brings back, hiding archived funds unless asked', () => {
		const { doc, by } = newSpace();
		const id = fund(doc, by);
		setFundArchived(doc, id, true, by);
		setFundArchived(doc, id, true, by);
		expect(listFunds(doc).items).toHaveLength(0);
		expect(listFunds(doc, { archived: true }).items.map((f) => f.id)).toEqual([id]);
		expect(listFunds(doc, { archived: 'all' }).items).toHaveLength(1);
		setFundArchived(doc, id, false, by);
		expect(listFunds(doc).items).toHaveLength(1);
		expect(listActivity(doc, { subjectId: id }).items.map((x) => x.action).sort()).toEqual([
			'fund.archived',
			'fund.created',
			'fund.unarchived'
		]);
		expect(setFundArchived(doc, newId<'fund'>(), true, by)).toEqual({ ok: false, reason: 'fund_not_found' });
	});

	it('keeps budget lines added offline on two devices, and edits and removes them by marking', () => {
		const { doc: a, by } = newSpace();
		const id = fund(a, by, { name: 'Festival', kind: 'budget' });
		const b = replica(a);
		const sound = created(addBudgetLine(a, id, { label: 'Son', planned: 50_000 }, by, 2_000));
		const food = created(addBudgetLine(b, id, { label: 'Cantine', planned: 30_000 }, memberId(), 2_001));
		syncDocs(a, b);
		expect(budgetLines(b, id).items.map((l) => l.label)).toEqual(['Son', 'Cantine']);
		editBudgetLine(b, id, sound, { planned: 60_000 }, by, 3_000);
		removeBudgetLine(a, id, food, by, 3_000);
		syncDocs(a, b);
		for (const doc of [a, b]) {
			expect(budgetLines(doc, id).items).toMatchObject([
				{ id: sound, planned: 60_000, removedAt: null, updatedAt: 3_000 },
				{ id: food, planned: 30_000, removedAt: 3_000, removedBy: by }
			]);
		}
		expect(listActivity(a, { subjectId: id }).items).toContainEqual(expect.objectContaining({ action: 'fund.line_added', summary: 'Son', amount: 50_000, currency: 'EUR' }));
		expect(listActivity(a, { subjectId: id }).items).toContainEqual(expect.objectContaining({ action: 'fund.line_edited', summary: 'Son' }));
		expect(addBudgetLine(a, id, { label: 'Son', planned: -1 }, by)).toMatchObject({ ok: false, field: 'planned' });
	});

	it('gives lines to budgets only', () => {
		const { doc, by } = newSpace();
		const cash = fund(doc, by);
		expect(addBudgetLine(doc, cash, { label: 'Son', planned: 100 }, by)).toEqual({ ok: false, reason: 'not_a_budget' });
	});

	it('skips and counts unreadable funds and lines', () => {
		const { doc, by } = newSpace();
		const id = fund(doc, by, { kind: 'budget' });
		addBudgetLine(doc, id, { label: 'Son', planned: 100 }, by);
		fundsMap(doc).set('junk', 'not a fund');
		const bad = new Y.Map<unknown>();
		bad.set('id', 'bad-fund-xxxxxxxxxxxx');
		bad.set('name', 'Sans devise');
		fundsMap(doc).set('bad-fund-xxxxxxxxxxxx', bad);
		const lines = (fundsMap(doc).get(id) as Y.Map<unknown>).get('lines') as Y.Map<unknown>;
		lines.set('junk-line-xxxxxxxxxxx', 12);
		expect(listFunds(doc, { archived: 'all' })).toMatchObject({ unreadable: 2, items: [{ id }] });
		expect(budgetLines(doc, id)).toMatchObject({ unreadable: 1, items: [{ label: 'Son' }] });
	});

	it('creates a budget with its first lines in one transaction, or nothing when one line is refused', () => {
		const { doc, by } = newSpace();
		let updates = 0;
		doc.on('update', () => updates++);
		const result = createFund(doc, { name: 'Fête', kind: 'budget', currency: 'EUR', lines: [{ label: 'Son', planned: 50_000 }, { label: 'Affiches', planned: 0 }] }, by);
		if (!result.ok) throw new Error(result.reason);
		expect(updates).toBe(1);
		expect(budgetLines(doc, result.id).items.map((l) => [l.id, l.label, l.planned])).toEqual([
			[result.lines[0], 'Son', 50_000],
			[result.lines[1], 'Affiches', 0]
		]);
		const before = Y.encodeStateAsUpdate(doc);
		expect(createFund(doc, { name: 'Autre', kind: 'budget', currency: 'EUR', lines: [{ label: 'Son', planned: 1 }, { label: 'Dette', planned: -1 }] }, by)).toMatchObject({
			ok: false,
			reason: 'invalid_field',
			field: 'lines.1.planned',
			problem: 'too_small'
		});
		expect(createFund(doc, { name: 'Caisse', kind: 'cash', currency: 'EUR', lines: [{ label: 'Son', planned: 1 }] }, by)).toEqual({ ok: false, reason: 'not_a_budget' });
		expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
	});

	it('answers a fund or a line that is gone, or unchanged, instead of throwing', () => {
		const { doc, by } = newSpace();
		const id = fund(doc, by, { kind: 'budget' });
		const line = created(addBudgetLine(doc, id, { label: 'Son', planned: 100 }, by));
		const missing = newId<'fund'>();
		expect(editFund(doc, missing, { name: 'X' }, by)).toEqual({ ok: false, reason: 'fund_not_found' });
		expect(addBudgetLine(doc, missing, { label: 'Son', planned: 1 }, by)).toEqual({ ok: false, reason: 'fund_not_found' });
		expect(editBudgetLine(doc, id, newId<'budget-line'>(), { planned: 1 }, by)).toEqual({ ok: false, reason: 'budget_line_not_found' });
		expect(removeBudgetLine(doc, missing, line, by)).toEqual({ ok: false, reason: 'fund_not_found' });
		expect(editFund(doc, id, { name: 'Caisse' }, by)).toEqual({ ok: true, changed: false });
		expect(editBudgetLine(doc, id, line, { label: 'Son' }, by)).toEqual({ ok: true, changed: false });
		expect(setFundArchived(doc, id, false, by)).toEqual({ ok: true, changed: false });
		expect(removeBudgetLine(doc, id, line, by)).toEqual({ ok: true, changed: true });
		expect(removeBudgetLine(doc, id, line, by)).toEqual({ ok: true, changed: false });
		// A budget whose lines a faulty client replaced is refused, not crashed on.
		const entry = fundsMap(doc).get(id);
		if (entry instanceof Y.Map) entry.set('lines', 'junk');
		expect(addBudgetLine(doc, id, { label: 'Son', planned: 1 }, by)).toEqual({ ok: false, reason: 'lines_unreadable' });
	});
});
