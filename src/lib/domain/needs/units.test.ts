import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { newId } from '../core/ids';
import { needsMap } from '../core/schema';
import { defaultNeedUnit, getNeed, hasLegacyUnit, unitForKind, updateNeed } from './needs';
import { at, hoursNeed, moneyNeed, pledge } from './testing';
import { newSpace } from '../space/testing';

/** A need as the old form wrote it: 'EUR' whatever its kind. */
function oldNeed(doc: Y.Doc, by: string, kind: 'goods' | 'time', title: string) {
	const id = newId<'need'>();
	const entry = new Y.Map<unknown>();
	for (const [key, value] of Object.entries({ id, kind, title, description: '', target: 20, unit: 'EUR', deadline: null, cap: null, status: 'open', createdAt: 1, createdBy: by, updatedAt: 1, updatedBy: by })) {
		entry.set(key, value);
	}
	needsMap(doc).set(id, entry);
	return id;
}

describe('a need’s unit', () => {
	it('starts from its kind: the collective’s currency, hours, or nothing to type', () => {
		expect(defaultNeedUnit('money', 'CHF')).toBe('CHF');
		expect(defaultNeedUnit('time', 'CHF')).toBe('h');
		for (const kind of ['goods', 'space', 'other'] as const) expect(defaultNeedUnit(kind, 'EUR')).toBe('');
	});

	it('follows the kind in the form, keeping a unit the person typed where it still fits', () => {
		expect(unitForKind('money', 'goods', 'EUR', 'EUR')).toBe('');
		expect(unitForKind('money', 'time', 'CHF', 'EUR')).toBe('h');
		expect(unitForKind('goods', 'money', 'kg', 'CHF')).toBe('CHF');
		expect(unitForKind('time', 'goods', 'h', 'EUR')).toBe('');
		expect(unitForKind('goods', 'time', '', 'EUR')).toBe('h');
		expect(unitForKind('goods', 'space', 'palettes', 'EUR')).toBe('palettes');
		expect(unitForKind('time', 'other', 'demi-journées', 'EUR')).toBe('demi-journées');
		expect(unitForKind('money', 'money', 'GBP', 'EUR')).toBe('GBP');
	});

	it('changes with its kind while nobody has pledged, and is fixed after', () => {
		const { doc, by } = newSpace();
		const need = hoursNeed(doc, by, { unit: 'h', target: 40 });
		expect(updateNeed(doc, need, { unit: 'jours' }, by)).toMatchObject({ ok: true, changed: ['unit'] });
		expect(updateNeed(doc, need, { kind: 'goods', unit: 'kg' }, by)).toMatchObject({ ok: true, changed: ['kind', 'unit'] });
		expect(getNeed(doc, need)).toMatchObject({ kind: 'goods', unit: 'kg' });
		pledge(doc, need, 5, by, at('2026-03-02'));
		expect(updateNeed(doc, need, { unit: 'boîtes' }, by)).toEqual({ ok: false, reason: 'unit_locked' });
		expect(updateNeed(doc, need, { kind: 'time', unit: 'h' }, by)).toEqual({ ok: false, reason: 'unit_locked' });
		const rent = moneyNeed(doc, by);
		pledge(doc, rent, 5_000, by, at('2026-03-02'));
		expect(updateNeed(doc, rent, { unit: 'CHF' }, by)).toEqual({ ok: false, reason: 'unit_locked' });
	});

	it('reads an old "EUR" on hours as hours, and lets goods in "EUR" be corrected even after pledges', () => {
		const { doc, by } = newSpace();
		const help = oldNeed(doc, by, 'time', 'Aide au déménagement');
		const blankets = oldNeed(doc, by, 'goods', 'Couvertures');
		expect(getNeed(doc, help)).toMatchObject({ kind: 'time', unit: 'h' });
		expect(hasLegacyUnit(getNeed(doc, help)!)).toBe(false);
		expect(getNeed(doc, blankets)).toMatchObject({ kind: 'goods', unit: 'EUR' });
		expect(hasLegacyUnit(getNeed(doc, blankets)!)).toBe(true);
		pledge(doc, help, 3, by, at('2026-03-02'));
		pledge(doc, blankets, 5, by, at('2026-03-02'));

		// Editing the hours' title is not a change of unit: it goes through, and the hours are written down.
		expect(updateNeed(doc, help, { title: 'Aide au déménagement de mai' }, by)).toMatchObject({ ok: true });
		expect((needsMap(doc).get(help) as Y.Map<unknown>).get('unit')).toBe('h');
		expect(updateNeed(doc, help, { unit: 'jours' }, by)).toEqual({ ok: false, reason: 'unit_locked' });

		expect(updateNeed(doc, blankets, { unit: 'couvertures' }, by)).toMatchObject({ ok: true, changed: ['unit'] });
		expect(getNeed(doc, blankets)).toMatchObject({ unit: 'couvertures' });
		// Once corrected, the unit is fixed like any other.
		expect(updateNeed(doc, blankets, { unit: 'EUR' }, by)).toEqual({ ok: false, reason: 'unit_locked' });
		// The kind stays fixed: the pledges were counted as goods.
		const other = oldNeed(doc, by, 'goods', 'Draps');
		pledge(doc, other, 2, by, at('2026-03-02'));
		expect(updateNeed(doc, other, { kind: 'money', unit: 'EUR' }, by)).toEqual({ ok: false, reason: 'unit_locked' });
	});
});
