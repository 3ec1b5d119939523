import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { addAllocation, withdrawAllocation } from './allocations';
import { adoptDecision, closeDecision } from './closings';
import { takePosition } from './decisions';
import { recordTally } from './tallies';
import { assembly, propose, T0, WEEK } from './testing';
import { allocationChoices, decisionNames, decisionPageView, decisionsListView } from './views';
import { newId, type MemberId } from '../core/ids';
import { decisionsMap } from '../core/schema';
import { addBudgetLine, createFund, removeBudgetLine, setFundArchived } from '../money/funds';
import { created } from '../money/testing';
import { closeNeed, createNeed } from '../needs/needs';
import { addResource } from '../inventory/resources';

const TODAY = '2027-01-15';

function fundOf(doc: Y.Doc, by: MemberId, name = 'Caisse') {
	return created(createFund(doc, { name, kind: 'cash', currency: 'EUR' }, by, T0 - 10));
}

describe('the decisions list', () => {
	it('shows open decisions first, soonest closing first, then closed ones, latest closed first, each with its state in a line', () => {
		const { doc, by, members } = assembly(2);
		const bob = members[1]!;
		const eve = members[2]!;
		const later = propose(doc, by, { title: 'Plus tard', closesAt: T0 + 2 * WEEK, quorum: 3 });
		const sooner = propose(doc, by, { title: 'Bientôt', process: 'vote' });
		const closedFirst = propose(doc, by, { title: 'Fermée d’abord', reviewOn: '2027-01-01' });
		const closedLast = propose(doc, by, { title: 'Fermée ensuite' });
		takePosition(doc, later, { choice: 'block', reason: 'Assurance' }, bob, T0 + 1);
		recordTally(doc, later, { hands: [{ memberId: eve, choice: 'agree' }], anonymous: { agree: 2 } }, by, T0 + 2);
		closeDecision(doc, closedFirst, { outcome: 'rejected', statement: 'Non' }, by, T0 + 10);
		closeDecision(doc, closedLast, { outcome: 'adopted', statement: 'Oui' }, by, T0 + 20);

		const list = decisionsListView(doc, {}, TODAY);
		expect(list.items.map((i) => i.title)).toEqual(['Bientôt', 'Plus tard', 'Fermée ensuite', 'Fermée d’abord']);
		expect(list.memberCount).toBe(3);
		expect(list.unreadable).toBe(0);
		const [soon, late, last, first] = list.items;
		expect(soon).toMatchObject({ id: sooner, status: 'open', process: { kind: 'vote' }, participants: 0, blockCount: 0, closing: null });
		expect(late).toMatchObject({ participants: 4, quorum: { required: 3, reached: true }, blockCount: 1 });
		expect(last).toMatchObject({ status: 'closed', closing: { outcome: 'adopted', statement: 'Oui' }, reviewDue: false, pendingCount: 0 });
		expect(first).toMatchObject({ closing: { outcome: 'rejected' }, reviewOn: '2027-01-01', reviewDue: true });
		expect(decisionsListView(doc, { status: 'closed' }, TODAY).items.map((i) => i.id)).toEqual([closedLast, closedFirst]);
		expect(decisionsListView(doc, { status: 'open' }, TODAY).items.map((i) => i.id)).toEqual([sooner, later]);
	});

	it('counts a decision it cannot read instead of hiding the list, and flags adopted allocations still pending', () => {
		const { doc, by } = assembly(0);
		const fund = fundOf(doc, by);
		const id = propose(doc, by, { allocations: [{ kind: 'money', fundId: fund, amount: 500, currency: 'EUR' }] });
		setFundArchived(doc, fund, true, by, T0 + 1);
		adoptDecision(doc, id, { statement: 'Adopté' }, by, T0 + 2);
		decisionsMap(doc).set(newId<'decision'>(), 'pas une décision');
		const list = decisionsListView(doc, {}, TODAY);
		expect(list.unreadable).toBe(1);
		expect(list.items).toHaveLength(1);
		expect(list.items[0]).toMatchObject({ id, pendingCount: 1 });
	});
});

describe('a decision page', () => {
	it('is null for a decision this device does not have', () => {
		const { doc, by } = assembly(0);
		expect(decisionPageView(doc, newId<'decision'>(), TODAY, by)).toBeNull();
	});

	it('gives the reader’s own answer, the allocations still standing, the members who may raise a hand and the names behind ids', () => {
		const { doc, by, members } = assembly(1);
		const bob = members[1]!;
		const fund = fundOf(doc, by);
		const van = created(addResource(doc, { kind: 'vehicle', name: 'Camionnette' }, by, T0 - 10));
		const id = propose(doc, by, {
			allocations: [
				{ kind: 'money', fundId: fund, amount: 1_000, currency: 'EUR' },
				{ kind: 'booking', resourceId: van, start: T0 + 10, end: T0 + 20, to: { kind: 'member', memberId: bob } }
			]
		});
		const page = decisionPageView(doc, id, TODAY, by)!;
		const money = page.decision.allocations[0]!;
		expect(withdrawAllocation(doc, id, money.id, by, T0 + 1).ok).toBe(true);
		takePosition(doc, id, { choice: 'agree' }, bob, T0 + 2);
		recordTally(doc, id, { hands: [{ memberId: by, choice: 'abstain' }] }, bob, T0 + 3);

		const view = decisionPageView(doc, id, TODAY, by)!;
		expect(view.open).toBe(true);
		expect(view.mine).toMatchObject({ memberId: by, choices: ['abstain'], source: 'tally' });
		expect(decisionPageView(doc, id, TODAY, bob)!.mine).toMatchObject({ source: 'own', choices: ['agree'] });
		expect(decisionPageView(doc, id, TODAY, null)!.mine).toBeNull();
		expect(view.standingEffects).toEqual([{ kind: 'booking', resourceId: van, start: T0 + 10, end: T0 + 20, to: { kind: 'member', memberId: bob }, note: '' }]);
		expect(view.members.map((m) => m.name)).toEqual(['Alice', 'Membre 2']);
		expect(view.traces).toEqual([]);
		expect(view.names.member(bob)).toBe('Membre 2');
		expect(view.names.fund(fund)).toBe('Caisse');
		expect(view.names.resource(van)).toBe('Camionnette');
		expect(view.names.fund(newId<'fund'>())).toBeNull();
		expect(view.results.counts).toMatchObject({ agree: 1, abstain: 1 });
	});

	it('once adopted, traces what each allocation did and says why a pending one cannot be carried out here', () => {
		const { doc, by } = assembly(0);
		const fund = fundOf(doc, by);
		const other = fundOf(doc, by, 'Banque');
		const id = propose(doc, by, { allocations: [{ kind: 'money', fundId: fund, amount: 700, currency: 'EUR' }] });
		expect(addAllocation(doc, id, { kind: 'money', fundId: other, amount: 300, currency: 'EUR' }, by, T0 + 1).ok).toBe(true);
		setFundArchived(doc, other, true, by, T0 + 2);
		adoptDecision(doc, id, { statement: 'Adopté' }, by, T0 + 3);

		const view = decisionPageView(doc, id, TODAY, by)!;
		expect(view.open).toBe(false);
		expect(view.traces.map((t) => [t.execution?.by ?? null, t.ledgerEntry?.amount ?? null])).toEqual([
			[by, 700],
			[null, null]
		]);
		const pending = view.results.pendingAllocations.map((a) => a.id);
		expect(pending).toEqual([view.decision.allocations[1]!.id]);
		expect([...view.blocked.entries()]).toEqual([[pending[0], 'fund_archived']]);
	});
});

describe('what a proposal can allocate', () => {
	it('offers open funds with their lines, needs not closed and resources, sorted by name the same on every device', () => {
		const { doc, by } = assembly(1);
		const budget = created(createFund(doc, { name: 'budget 10', kind: 'budget', currency: 'EUR' }, by, T0));
		created(createFund(doc, { name: 'Budget 2', kind: 'cash', currency: 'CHF' }, by, T0));
		const archived = fundOf(doc, by, 'Ancienne caisse');
		setFundArchived(doc, archived, true, by, T0);
		const kept = created(addBudgetLine(doc, budget, { label: 'Loyer', planned: 100 }, by, T0));
		const gone = created(addBudgetLine(doc, budget, { label: 'Fête', planned: 100 }, by, T0));
		removeBudgetLine(doc, budget, gone, by, T0 + 1);
		createNeed(doc, { kind: 'money', title: 'Étagères', unit: 'EUR', target: 100 }, by, T0);
		const closed = createNeed(doc, { kind: 'money', title: 'Ancien besoin', unit: 'EUR', target: 100 }, by, T0);
		closeNeed(doc, closed, by, T0 + 1);
		createNeed(doc, { kind: 'goods', title: 'assiettes', unit: 'pièces', target: 10 }, by, T0);
		addResource(doc, { kind: 'room', name: 'Salle 10' }, by, T0);
		addResource(doc, { kind: 'room', name: 'Salle 2' }, by, T0);

		const choices = allocationChoices(doc);
		expect(choices.funds.map((f) => [f.name, f.lines.map((l) => l.id)])).toEqual([
			['Budget 2', []],
			['budget 10', [kept]]
		]);
		expect(choices.needs.map((n) => n.title)).toEqual(['assiettes', 'Étagères']);
		expect(choices.resources.map((r) => r.name)).toEqual(['Salle 2', 'Salle 10']);
		expect(choices.members.map((m) => m.name)).toEqual(['Alice', 'Membre 2']);
	});

	it('names what it knows and nothing else', () => {
		const { doc, by } = assembly(0);
		const names = decisionNames(doc);
		expect(names.member(by)).toBe('Alice');
		expect(names.member(newId<'member'>())).toBeNull();
		expect(names.need(newId<'need'>())).toBeNull();
		expect(names.resource(newId<'resource'>())).toBeNull();
		expect(names.line(newId<'fund'>(), newId<'budget-line'>())).toBeNull();
	});
});
