import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { listActivity } from '../core/activity';
import { newId } from '../core/ids';
import { addNeed, closeNeed, createNeed, getNeed, markNeedMet, readNeeds, reopenNeed, updateNeed } from './needs';
import { at, hoursNeed, moneyNeed, pledge } from './testing';
import { needsMap } from '../core/schema';
import { memberId, newSpace, syncDocs } from '../space/testing';

describe('needs', () => {
	it('creates money and in-kind needs with their unit, and records who did it', () => {
		const { doc, by } = newSpace();
		const rent = createNeed(
			doc,
			{ kind: 'money', title: ' Loyer de mars ', unit: 'eur', target: 120_050, cap: 150_000, deadline: '2026-03-31' },
			by,
			1000
		);
		expect(getNeed(doc, rent)).toMatchObject({
			kind: 'money',
			title: 'Loyer de mars',
			unit: 'EUR',
			target: 120_050,
			cap: 150_000,
			deadline: '2026-03-31',
			status: 'open',
			description: '',
			createdBy: by,
			updatedAt: 1000
		});
		const food = createNeed(doc, { kind: 'goods', title: 'Légumes', unit: ' kg ', target: 40.5 }, by);
		expect(getNeed(doc, food)).toMatchObject({ unit: 'kg', target: 40.5, cap: null, deadline: null });
		for (const kind of ['time', 'space', 'other'] as const) {
			createNeed(doc, { kind, title: `A ${kind}`, unit: 'day', target: 1 }, by);
		}
		expect(readNeeds(doc).items).toHaveLength(5);
		expect(listActivity(doc, { subjectId: rent }).items).toMatchObject([
			{ action: 'need.created', by, summary: 'Loyer de mars', at: 1000 }
		]);
	});

	it('refuses invalid input naming the field, and writes nothing', () => {
		const { doc, by } = newSpace();
		const before = Y.encodeStateAsUpdate(doc);
		const money = { kind: 'money', title: 'Loyer', unit: 'EUR', target: 1000 } as const;
		const refused = (field: string, problem: string) => ({ ok: false, reason: 'invalid_field', field, problem });
		expect(addNeed(doc, { ...money, title: '  ' }, by)).toMatchObject(refused('title', 'required'));
		expect(addNeed(doc, { ...money, target: 10.5 }, by)).toMatchObject(refused('target', 'not_a_number'));
		expect(addNeed(doc, { ...money, target: 0 }, by)).toMatchObject(refused('target', 'too_small'));
		expect(addNeed(doc, { ...money, unit: 'euros' }, by)).toMatchObject(refused('unit', 'malformed'));
		expect(addNeed(doc, { ...money, cap: 999 }, by)).toEqual({ ok: false, reason: 'cap_below_target' });
		expect(addNeed(doc, { ...money, deadline: '31/03/2026' }, by)).toMatchObject(refused('deadline', 'not_a_date'));
		expect(addNeed(doc, { kind: 'goods', title: 'Riz', unit: '', target: 5 }, by)).toMatchObject(refused('unit', 'required'));
		expect(addNeed(doc, { kind: 'time', title: 'Aide', unit: 'h', target: -2 }, by)).toMatchObject(refused('target', 'too_small'));
		// @ts-expect-error an unknown kind is a caller bug
		expect(addNeed(doc, { ...money, kind: 'love' }, by)).toMatchObject({ ok: false, field: 'kind' });
		// Writers whose input is known good get an exception instead, naming the field.
		expect(() => createNeed(doc, { ...money, title: '  ' }, by)).toThrow(/title/);
		expect(() => createNeed(doc, { ...money, cap: 999 }, by)).toThrow(/cap/);
		expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
	});

	it('edits only the fields that changed, checked together with the others', () => {
		const { doc, by } = newSpace();
		const id = moneyNeed(doc, by, { cap: 120_000 }, 1000);
		const bob = memberId();
		expect(updateNeed(doc, id, { title: 'Loyer avril', target: 110_000 }, bob, 2000)).toEqual({
			ok: true,
			changed: ['title', 'target']
		});
		expect(getNeed(doc, id)).toMatchObject({ title: 'Loyer avril', target: 110_000, cap: 120_000, updatedBy: bob, createdBy: by });
		expect(updateNeed(doc, id, { title: 'Loyer avril' }, by, 3000)).toEqual({ ok: true, changed: [] });
		expect(getNeed(doc, id)?.updatedAt).toBe(2000);
		expect(updateNeed(doc, id, { target: 130_000 }, by)).toEqual({ ok: false, reason: 'cap_below_target' });
		expect(updateNeed(doc, id, { kind: 'goods' }, by)).toMatchObject({ ok: true });
		expect(listActivity(doc, { subjectId: id }).items.map((a) => a.action)).toEqual(['need.updated', 'need.updated', 'need.created']);
		expect(updateNeed(doc, newId<'need'>(), { title: 'X' }, by)).toEqual({ ok: false, reason: 'need_not_found' });
		expect(markNeedMet(doc, newId<'need'>(), by)).toEqual({ ok: false, reason: 'need_not_found' });
	});

	it('fixes kind and unit once a pledge was made in them', () => {
		const { doc, by } = newSpace();
		const id = hoursNeed(doc, by);
		expect(updateNeed(doc, id, { unit: 'heures' }, by)).toMatchObject({ ok: true });
		pledge(doc, id, 4, by);
		expect(updateNeed(doc, id, { unit: 'jours' }, by)).toEqual({ ok: false, reason: 'unit_locked' });
		expect(updateNeed(doc, id, { kind: 'goods' }, by)).toEqual({ ok: false, reason: 'unit_locked' });
		expect(updateNeed(doc, id, { target: 60 }, by)).toMatchObject({ ok: true, changed: ['target'] });
		expect(getNeed(doc, id)).toMatchObject({ kind: 'time', unit: 'heures', target: 60 });
	});

	it('keeps both sides of concurrent edits to different fields', () => {
		const { doc: a, by } = newSpace();
		const id = moneyNeed(a, by);
		const b = new Y.Doc();
		syncDocs(a, b);
		updateNeed(a, id, { description: 'Le local de la rue Haute' }, by);
		updateNeed(b, id, { deadline: '2026-04-30' }, memberId());
		syncDocs(a, b);
		for (const doc of [a, b]) {
			expect(getNeed(doc, id)).toMatchObject({ description: 'Le local de la rue Haute', deadline: '2026-04-30' });
		}
	});

	it('is marked met, closed under a decision, and reopened by hand', () => {
		const { doc, by } = newSpace();
		const id = moneyNeed(doc, by);
		const decision = newId<'decision'>();
		expect(markNeedMet(doc, id, by, at('2026-03-05'))).toEqual({ ok: true });
		expect(markNeedMet(doc, id, by)).toEqual({ ok: false, reason: 'unchanged' });
		expect(closeNeed(doc, id, by, at('2026-03-06'), decision)).toEqual({ ok: true });
		expect(getNeed(doc, id)?.status).toBe('closed');
		expect(listActivity(doc, { decisionId: decision }).items).toMatchObject([
			{ action: 'need.closed', subjectId: id, summary: 'Loyer' }
		]);
		expect(reopenNeed(doc, id, by, at('2026-03-07'))).toEqual({ ok: true });
		expect(getNeed(doc, id)?.status).toBe('open');
		expect(listActivity(doc, { subjectId: id }).items.map((a) => a.action)).toEqual([
			'need.reopened',
			'need.closed',
			'need.met',
			'need.created'
		]);
	});

	it('converges when two offline members set different statuses', () => {
		const { doc: a, by } = newSpace();
		const id = moneyNeed(a, by);
		const b = new Y.Doc();
		syncDocs(a, b);
		closeNeed(a, id, by);
		markNeedMet(b, id, memberId());
		syncDocs(a, b);
		expect(getNeed(a, id)?.status).toBe(getNeed(b, id)?.status);
		expect(listActivity(a, { subjectId: id }).items).toHaveLength(3);
	});

	it('skips and counts entries that fail validation', () => {
		const { doc, by } = newSpace();
		moneyNeed(doc, by);
		const map = needsMap(doc);
		const bad = (id: string, fields: Record<string, unknown>) => {
			const entry = new Y.Map<unknown>();
			const base = { id, title: 'X', createdAt: 1, createdBy: by, updatedAt: 1, updatedBy: by };
			for (const [key, value] of Object.entries({ ...base, ...fields })) entry.set(key, value);
			map.set(id, entry);
		};
		map.set('garbage-1-xxxxxxxxxxxx', 'not a map');
		bad('garbage-2-xxxxxxxxxxxx', { kind: 'money', unit: 'kg', target: 10 });
		bad('garbage-3-xxxxxxxxxxxx', { kind: 'money', unit: 'EUR', target: 10.5 });
		bad('garbage-4-xxxxxxxxxxxx', { kind: 'time', unit: 'h', target: 10, cap: 5 });
		bad('garbage-5-xxxxxxxxxxxx', { kind: 'time', unit: 'h', target: 10, id: 'someone-elses-id-xxx' });
		bad('garbage-6-xxxxxxxxxxxx', { kind: 'time', unit: 'h', target: 10, status: 'lost' });
		expect(readNeeds(doc)).toMatchObject({ items: [{ title: 'Loyer' }], unreadable: 6 });
		expect(getNeed(doc, 'garbage-2-xxxxxxxxxxxx' as never)).toBeUndefined();
	});
});
