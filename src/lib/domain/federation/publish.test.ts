import { describe, expect, test } from 'vitest';
import { listPublications, publishNeed, publishResource, readFederationProfile, readResourceMark, setFederationProfile, unpublishResource } from './publish';
import { addRiceNeed, addVan, newCollective } from './testing';
import type { ResourceId } from '../core/ids';

describe('what a collective publishes', () => {
	test('fields are kept in one order, a repeat changes nothing, unpublishing keeps the mark', async () => {
		const a = await newCollective('Cantine');
		const van = addVan(a);
		expect(publishResource(a.doc, van, { fields: ['area', 'name'], area: ' Nord ' })).toEqual({ ok: true, changed: true });
		expect(readResourceMark(a.doc, van)).toEqual({ published: true, fields: ['name', 'area'], area: 'Nord' });
		expect(publishResource(a.doc, van, { fields: ['name', 'area'], area: 'Nord' })).toEqual({ ok: true, changed: false });
		expect(unpublishResource(a.doc, van)).toEqual({ ok: true, changed: true });
		expect(unpublishResource(a.doc, van)).toEqual({ ok: true, changed: false });
		expect(readResourceMark(a.doc, van)).toMatchObject({ published: false });
		expect(listPublications(a.doc).resources).toEqual([]);
	});

	test('bad input is refused by field and writes nothing', async () => {
		const a = await newCollective('Cantine');
		const van = addVan(a);
		const rice = addRiceNeed(a);
		expect(publishResource(a.doc, van, { fields: [] })).toMatchObject({ ok: false, reason: 'invalid_field', field: 'fields', problem: 'required' });
		expect(publishResource(a.doc, van, { fields: ['location' as 'name'] })).toMatchObject({ ok: false, reason: 'invalid_field' });
		expect(publishResource(a.doc, 'nosuchresource000000' as ResourceId, { fields: ['name'] })).toEqual({ ok: false, reason: 'resource_not_found' });
		expect(publishNeed(a.doc, rice, { fields: ['title'], area: 'x'.repeat(121) })).toMatchObject({ ok: false, field: 'area', problem: 'too_long' });
		expect(setFederationProfile(a.doc, { name: '  ' })).toMatchObject({ ok: false, field: 'name', problem: 'required' });
		expect(readFederationProfile(a.doc)?.name).toBe('Cantine');
		expect(listPublications(a.doc)).toEqual({ resources: [], needs: [] });
		expect(publishNeed(a.doc, rice, { fields: ['target', 'title'] })).toEqual({ ok: true, changed: true });
		expect(listPublications(a.doc).needs).toEqual([{ id: rice, mark: { published: true, fields: ['title', 'target'], area: '' } }]);
	});
});
