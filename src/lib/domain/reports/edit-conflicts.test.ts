/**
 * The same field edited on two devices that had not seen each other's edit:
 * both values are kept, with their writers, as one conflict on every replica;
 * edits made one after the other say nothing; choosing a value (kept or new)
 * on one replica settles it on both. Over real documents on a simulated
 * network whose replicas are really apart while they edit.
 */
import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { withNetwork, type Network } from '../../testing/network';
import { listActivity } from '../core/activity';
import type { BudgetLineId, DecisionId, FundId, LedgerEntryId, MemberId, NeedId, PledgeId, ResourceId } from '../core/ids';
import { editConflicts, writeRevision } from '../core/revisions';
import { newId } from '../core/ids';
import { revisionsMap } from '../core/schema';
import { getDecision, updateDecision } from '../decisions/decisions';
import { T0, propose } from '../decisions/testing';
import { addResource, getResource, removeResource, updateResource } from '../inventory/resources';
import { changeDuesAmount } from '../money/dues-changes';
import { listDues, setDues } from '../money/dues';
import { budgetLines, createFund, editBudgetLine, editFund, getFund, budgetLineField } from '../money/funds';
import { getEntry } from '../money/ledger';
import { editEntry } from '../money/ledger-corrections';
import { entry, fund } from '../money/testing';
import { getNeed, updateNeed } from '../needs/needs';
import { editPledge } from '../needs/pledge-corrections';
import { getPledge } from '../needs/pledges';
import { at, hoursNeed, pledge } from '../needs/testing';
import { editSpace, joinSpace, readSpaceMeta } from '../space/space';
import { created, memberId, newSpace } from '../space/testing';
import { openConflicts, type ConflictOf } from './conflicts';
import { itemsInConflict, resolveEditConflict } from './edit-conflicts';
import { conflictsView } from './views';

const TODAY = '2026-03-10';

interface Case {
	name: string;
	field: string;
	/** Creates the entity on the first replica before the devices part; its key. */
	setup: (doc: Y.Doc, by: MemberId) => string;
	edit: (doc: Y.Doc, entity: string, value: unknown, by: MemberId, now: number) => { ok: boolean };
	read: (doc: Y.Doc, entity: string) => unknown;
	/** Alice's, Bachir's, and a third value. */
	values: [unknown, unknown, unknown];
	/** When the edits are made (their day matters to pledges). */
	now: number;
}

const CASES: Case[] = [
	{
		name: "the collective's name",
		field: 'name',
		setup: () => 'meta',
		edit: (doc, _meta, value, by, now) => editSpace(doc, { name: value as string, description: '' }, by, now),
		read: (doc) => readSpaceMeta(doc)?.name,
		values: ['Atelier GKN', 'Collectif GKN', 'Fabbrica GKN'],
		now: 1_700_000_100_000
	},
	{
		name: "a resource's location",
		field: 'location',
		setup: (doc, by) => created(addResource(doc, { kind: 'vehicle', name: 'Camionnette', location: 'Dépôt' }, by)),
		edit: (doc, id, value, by, now) => updateResource(doc, id as ResourceId, { location: value as string }, by, now),
		read: (doc, id) => getResource(doc, id as ResourceId)?.location,
		values: ['Parking nord', 'Garage municipal', 'Cour de la mairie'],
		now: 1_700_000_100_000
	},
	{
		name: "a resource's quantity",
		field: 'quantity',
		setup: (doc, by) => created(addResource(doc, { kind: 'food', name: 'Riz', quantity: 25, unit: 'kg' }, by)),
		edit: (doc, id, value, by, now) => updateResource(doc, id as ResourceId, { quantity: value as number }, by, now),
		read: (doc, id) => getResource(doc, id as ResourceId)?.quantity,
		values: [20, 18, 22],
		now: 1_700_000_100_000
	},
	{
		name: "a need's target",
		field: 'target',
		setup: (doc, by) => hoursNeed(doc, by),
		edit: (doc, id, value, by, now) => updateNeed(doc, id as NeedId, { target: value as number }, by, now),
		read: (doc, id) => getNeed(doc, id as NeedId)?.target,
		values: [50, 60, 45],
		now: at('2026-03-03')
	},
	{
		name: "a pledge's amount",
		field: 'amount',
		setup: (doc, by) => pledge(doc, hoursNeed(doc, by), 4, by),
		edit: (doc, id, value, by, now) => editPledge(doc, id as PledgeId, { amount: value as number }, by, now),
		read: (doc, id) => getPledge(doc, id as PledgeId)?.amount,
		values: [6, 8, 5],
		now: at('2026-03-03')
	},
	{
		name: "a decision's proposal",
		field: 'proposal',
		setup: (doc, by) => propose(doc, by),
		edit: (doc, id, value, by, now) => updateDecision(doc, id as DecisionId, { proposal: value as string }, by, now),
		read: (doc, id) => getDecision(doc, id as DecisionId)?.proposal,
		values: ['Le samedi matin.', 'Le dimanche.', 'Un week-end sur deux.'],
		now: T0 + 1_000
	},
	{
		name: "a fund's name",
		field: 'name',
		setup: (doc, by) => created(createFund(doc, { name: 'Caisse', kind: 'cash', currency: 'EUR' }, by, 1_000)),
		edit: (doc, id, value, by, now) => editFund(doc, id as FundId, { name: value as string }, by, now),
		read: (doc, id) => getFund(doc, id as FundId)?.name,
		values: ['Caisse du bar', 'Caisse commune', 'Petite caisse'],
		now: 1_700_000_100_000
	},
	{
		name: "a budget line's planned amount",
		field: 'planned',
		setup: (doc, by) => {
			const result = createFund(doc, { name: 'Budget 2026', kind: 'budget', currency: 'EUR', lines: [{ label: 'Loyer', planned: 120_000 }] }, by, 1_000);
			if (!result.ok) throw new Error(result.reason);
			return `${result.id}/${result.lines[0]}`;
		},
		edit: (doc, key, value, by, now) => {
			const [fundId, lineId] = key.split('/') as [FundId, BudgetLineId];
			return editBudgetLine(doc, fundId, lineId, { planned: value as number }, by, now);
		},
		read: (doc, key) => {
			const [fundId, lineId] = key.split('/') as [FundId, BudgetLineId];
			return budgetLines(doc, fundId).items.find((line) => line.id === lineId)?.planned;
		},
		values: [130_000, 110_000, 125_000],
		now: 1_700_000_100_000
	},
	{
		name: "the default dues' amount",
		field: 'amount',
		setup: (doc, by) => {
			setDues(doc, 'default', { amount: 1000, currency: 'EUR', period: 'monthly', start: '2026-01-01' }, by, 1_000);
			return 'default';
		},
		edit: (doc, key, value, by, now) =>
			setDues(doc, key as 'default', { amount: value as number, currency: 'EUR', period: 'monthly', start: '2026-01-01' }, by, now),
		read: (doc) => listDues(doc).items.find((setting) => setting.target === 'default')?.amount,
		values: [1200, 1500, 1300],
		now: 1_700_000_100_000
	},
	{
		name: "the dues' amount from a date on",
		field: 'from:2026-06-01',
		setup: (doc, by) => {
			setDues(doc, 'default', { amount: 1000, currency: 'EUR', period: 'monthly', start: '2026-01-01' }, by, 1_000);
			return 'default';
		},
		edit: (doc, key, value, by, now) => changeDuesAmount(doc, key as 'default', { from: '2026-06-01', amount: value as number }, by, now),
		read: (doc) => listDues(doc).items.find((setting) => setting.target === 'default')?.changes.find((c) => c.from === '2026-06-01')?.amount,
		values: [1200, 1500, 1300],
		now: 1_700_000_100_000
	},
	{
		name: "a ledger entry's note",
		field: 'note',
		setup: (doc, by) => entry(doc, by, fund(doc, by), { note: 'Courses' }),
		edit: (doc, id, value, by, now) => editEntry(doc, id as LedgerEntryId, { note: value as string }, by, now),
		read: (doc, id) => getEntry(doc, id as LedgerEntryId)?.note,
		values: ['Courses du marché', 'Courses cantine', 'Marché du samedi'],
		now: 1_700_000_100_000
	}
];

function caseOf(name: string): Case {
	const found = CASES.find((c) => c.name === name);
	if (!found) throw new Error(`no case ${name}`);
	return found;
}

/** The revisions' entity key and field for a case: a budget line is noted on its fund. */
function noted(c: Case, entity: string): { entity: string; field: string } {
	if (!entity.includes('/')) return { entity, field: c.field };
	const [fundId, lineId] = entity.split('/') as [FundId, BudgetLineId];
	return { entity: fundId, field: budgetLineField(lineId, c.field) };
}

function editConflictsOf(doc: Y.Doc): ConflictOf<'edit_conflict'>[] {
	return openConflicts(doc, TODAY).filter((c): c is ConflictOf<'edit_conflict'> => c.kind === 'edit_conflict');
}

/** Two members on two replicas that hold the entity, both online. */
function twoPhones(c: Case, body: (network: Network, a: Y.Doc, b: Y.Doc, entity: string, alice: MemberId, bachir: MemberId) => void, seed = 7) {
	const { doc: origin, by: alice } = newSpace();
	const bachir = memberId();
	joinSpace(origin, bachir, 'Bachir', 1_700_000_000_001);
	const entity = c.setup(origin, alice);
	withNetwork(2, seed, (network) => {
		network.startFrom(origin);
		const [a, b] = network.docs as [Y.Doc, Y.Doc];
		body(network, a, b, entity, alice, bachir);
	});
}

function apart(network: Network, during: () => void): void {
	network.disconnect(0);
	network.disconnect(1);
	during();
	network.syncAll();
}

describe('the same field edited on two devices', () => {
	for (const c of CASES) {
		describe(c.name, () => {
			it('edited while apart: one conflict on both, with both values and who wrote each', () => {
				twoPhones(c, (network, a, b, entity, alice, bachir) => {
					apart(network, () => {
						expect(c.edit(a, entity, c.values[0], alice, c.now).ok).toBe(true);
						expect(c.edit(b, entity, c.values[1], bachir, c.now + 60_000).ok).toBe(true);
						expect(editConflictsOf(a)).toEqual([]);
					});
					const [onA, ...more] = editConflictsOf(a);
					expect(more).toEqual([]);
					expect(onA?.edited).toMatchObject(noted(c, entity));
					expect(onA?.values.map(({ value, by }) => ({ value, by }))).toEqual([
						{ value: c.values[0], by: alice },
						{ value: c.values[1], by: bachir }
					]);
					expect(editConflictsOf(b)).toEqual(editConflictsOf(a));
					expect(itemsInConflict(b, onA!.edited.kind)).toEqual([noted(c, entity).entity]);
					// The field shows one of them, the same on both; the page names both writers.
					expect(c.read(a, entity)).toEqual(c.read(b, entity));
					const row = conflictsView(b, TODAY).open.find((r) => r.conflict.kind === 'edit_conflict');
					expect(row?.edit?.values.map((v) => v.byName)).toEqual(['Alice', 'Bachir']);
					expect(row?.edit?.values.filter((v) => v.shown)).toHaveLength(1);
				});
			});

			it('edited one after the other: no conflict, the later value stays', () => {
				twoPhones(c, (network, a, b, entity, alice, bachir) => {
					apart(network, () => expect(c.edit(a, entity, c.values[0], alice, c.now).ok).toBe(true));
					apart(network, () => expect(c.edit(b, entity, c.values[1], bachir, c.now + 60_000).ok).toBe(true));
					// The first device, having seen the second's edit, edits again: still a line.
					apart(network, () => expect(c.edit(a, entity, c.values[2], alice, c.now + 120_000).ok).toBe(true));
					expect(editConflictsOf(a)).toEqual([]);
					expect(editConflictsOf(b)).toEqual([]);
					expect(c.read(b, entity)).toEqual(c.values[2]);
				});
			});

			for (const [choice, label] of [
				[0, "keeping the first device's value"],
				[1, "keeping the second device's value"],
				[2, 'writing a third value']
			] as const) {
				it(`settled on one device by ${label}: gone on both, the same value on both`, () => {
					twoPhones(c, (network, a, b, entity, alice, bachir) => {
						apart(network, () => {
							c.edit(a, entity, c.values[0], alice, c.now);
							c.edit(b, entity, c.values[1], bachir, c.now + 60_000);
						});
						const [conflict] = editConflictsOf(b);
						apart(network, () => expect(resolveEditConflict(b, conflict!.edited, c.values[choice], bachir, c.now + 120_000)).toEqual({ ok: true }));
						for (const doc of [a, b]) {
							expect(editConflictsOf(doc)).toEqual([]);
							expect(itemsInConflict(doc, conflict!.edited.kind)).toEqual([]);
							expect(c.read(doc, entity)).toEqual(c.values[choice]);
						}
						// Settled once: a second choice made from the stale page is refused, nothing written.
						expect(resolveEditConflict(a, conflict!.edited, c.values[0], alice, c.now + 180_000)).toEqual({ ok: false, reason: 'already_resolved' });
						const resolved = listActivity(a, { subjectKind: 'conflict' }).items[0];
						expect(resolved).toMatchObject({ action: 'conflict.resolved', by: bachir, changes: [{ field: noted(c, entity).field, to: c.values[choice] }] });
					}, 11 + choice);
				});
			}
		});
	}
});

describe('edit conflicts, further', () => {
	it('a history record says what changed, from and to', () => {
		const { doc, by } = newSpace();
		const id = created(addResource(doc, { kind: 'food', name: 'Riz', quantity: 25, unit: 'kg' }, by, 1_700_000_000_000));
		updateResource(doc, id, { quantity: 20, location: 'Cave' }, by, 1_700_000_100_000);
		expect(listActivity(doc, { subjectKind: 'resource' }).items[0]?.changes).toEqual([
			{ field: 'quantity', from: 25, to: 20 },
			{ field: 'location', from: '', to: 'Cave' }
		]);
	});

	it('a long text is kept whole on the item and in its revisions, and its start in the history', () => {
		const { doc, by } = newSpace();
		const decision = propose(doc, by);
		const long = 'Le samedi. '.repeat(500);
		expect(updateDecision(doc, decision, { proposal: long }, by, T0 + 1_000).ok).toBe(true);
		expect(getDecision(doc, decision)?.proposal).toBe(long.trim());
		const change = listActivity(doc, { subjectKind: 'decision' }).items[0]?.changes?.[0];
		expect(String(change?.to)).toHaveLength(200);
		expect(String(change?.to).endsWith('…')).toBe(true);
		// Another device's edit, made without seeing this one.
		revisionsMap(doc).set(newId(), { kind: 'decision', entity: decision, field: 'proposal', value: 'Le dimanche.', by, at: T0 + 2_000, bases: [] });
		expect(editConflicts(doc)[0]?.values.map((v) => v.value)).toEqual([long.trim(), 'Le dimanche.']);
	});

	it('two devices writing the same value while apart is no conflict', () => {
		twoPhones(caseOf("a resource's location"), (network, a, b, entity, alice, bachir) => {
			apart(network, () => {
				updateResource(a, entity as ResourceId, { location: 'Parking nord' }, alice, 1_700_000_100_000);
				updateResource(b, entity as ResourceId, { location: 'Parking nord' }, bachir, 1_700_000_100_001);
			});
			expect(editConflictsOf(a)).toEqual([]);
		});
	});

	it('different fields edited while apart both stay, silently', () => {
		twoPhones(caseOf("a resource's location"), (network, a, b, entity, alice, bachir) => {
			apart(network, () => {
				updateResource(a, entity as ResourceId, { location: 'Parking nord' }, alice, 1_700_000_100_000);
				updateResource(b, entity as ResourceId, { description: 'Clés au bar' }, bachir, 1_700_000_100_001);
			});
			expect(editConflictsOf(b)).toEqual([]);
			expect(getResource(b, entity as ResourceId)).toMatchObject({ location: 'Parking nord', description: 'Clés au bar' });
		});
	});

	it('a value the entity refuses is refused with its own reason, and the conflict stays', () => {
		twoPhones(caseOf("a need's target"), (network, a, b, entity, alice, bachir) => {
			apart(network, () => {
				updateNeed(a, entity as NeedId, { target: 50 }, alice, at('2026-03-03'));
				updateNeed(b, entity as NeedId, { target: 60 }, bachir, at('2026-03-03') + 1);
			});
			const [conflict] = editConflictsOf(a);
			expect(resolveEditConflict(a, conflict!.edited, -3, alice)).toMatchObject({ ok: false, reason: 'edit_refused', edit: { kind: 'need', refusal: { reason: 'invalid_field', field: 'target' } } });
			expect(editConflictsOf(a)).toHaveLength(1);
		});
	});

	it('an edit made later by someone who saw both values settles the conflict too', () => {
		twoPhones(caseOf("a resource's location"), (network, a, b, entity, alice, bachir) => {
			apart(network, () => {
				updateResource(a, entity as ResourceId, { location: 'Parking nord' }, alice, 1_700_000_100_000);
				updateResource(b, entity as ResourceId, { location: 'Garage municipal' }, bachir, 1_700_000_100_001);
			});
			apart(network, () => updateResource(a, entity as ResourceId, { location: 'Cour' }, alice, 1_700_000_200_000));
			expect(editConflictsOf(b)).toEqual([]);
		});
	});

	it('an item removed meanwhile refuses a value it does not show, and still settles on the one it shows', () => {
		twoPhones(caseOf("a resource's location"), (network, a, b, entity, alice, bachir) => {
			apart(network, () => {
				updateResource(a, entity as ResourceId, { location: 'Parking nord' }, alice, 1_700_000_100_000);
				updateResource(b, entity as ResourceId, { location: 'Garage municipal' }, bachir, 1_700_000_100_001);
			});
			removeResource(a, entity as ResourceId, alice, 1_700_000_150_000);
			const [conflict] = editConflictsOf(a);
			const other = conflict!.values.find((v) => v.value !== getResource(a, entity as ResourceId)?.location)!;
			const shown = conflict!.values.find((v) => v.value === getResource(a, entity as ResourceId)?.location)!;
			expect(resolveEditConflict(a, conflict!.edited, other.value, alice)).toMatchObject({ ok: false, reason: 'edit_refused', edit: { kind: 'resource', refusal: { reason: 'removed' } } });
			expect(resolveEditConflict(a, conflict!.edited, shown.value, alice)).toEqual({ ok: true });
			network.syncAll();
			expect(editConflictsOf(b)).toEqual([]);
		});
	});

	it('revisions about a field no edit writes, or an item not here, show nothing', () => {
		const { doc, by } = newSpace();
		const id = created(addResource(doc, { kind: 'vehicle', name: 'Camionnette' }, by));
		const bachir = memberId();
		for (const [entity, field] of [[id, 'createdBy'], ['nowhere-to-be-found', 'location']] as const) {
			writeRevision(doc, 'resource', entity, field, bachir, bachir, 1);
			doc.transact(() => revisionsMap(doc).set(newId(), { kind: 'resource', entity, field, value: by, by, at: 2, bases: [] }));
		}
		expect(editConflicts(doc)).toHaveLength(2);
		expect(editConflictsOf(doc)).toEqual([]);
		expect(resolveEditConflict(doc, { kind: 'resource', entity: id, field: 'createdBy' }, bachir, by)).toEqual({ ok: false, reason: 'not_found' });
	});

	it('three devices: the conflict keeps every value', () => {
		const { doc: origin, by } = newSpace();
		const id = created(addResource(origin, { kind: 'vehicle', name: 'Camionnette' }, by));
		withNetwork(3, 5, (network) => {
			network.startFrom(origin);
			for (let i = 0; i < 3; i++) network.disconnect(i);
			network.docs.forEach((doc, i) => updateResource(doc, id, { location: `Lieu ${i}` }, by, 1_700_000_100_000 + i));
			network.syncAll();
			expect(editConflicts(network.docs[2]!)[0]?.values.map((v) => v.value)).toEqual(['Lieu 0', 'Lieu 1', 'Lieu 2']);
		});
	});
});
