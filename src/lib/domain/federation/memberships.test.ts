import { describe, expect, test } from 'vitest';
import { keepFederation, readFederations } from './memberships';
import { federationsMap } from './schema';
import { newSpace, syncDocs } from '../space/testing';
import { replica } from './testing';

const link = { id: 'federation-ABCDEFGHIJ', name: 'Réseau des cantines', relayUrl: 'wss://relais.example.org', readSecret: 'r'.repeat(43) };

describe('federations a collective reads', () => {
	test('kept once, read back on every device of the collective', () => {
		const { doc } = newSpace('Cantine');
		expect(keepFederation(doc, link, 1000)).toEqual({ ok: true, changed: true });
		expect(keepFederation(doc, link, 2000)).toEqual({ ok: true, changed: false });
		const phone = replica(doc);
		expect(readFederations(phone)).toEqual({ items: [{ ...link, addedAt: 1000 }], unreadable: 0 });
		expect(keepFederation(phone, { ...link, name: 'Réseau' }, 3000)).toEqual({ ok: true, changed: true });
		syncDocs(doc, phone);
		expect(readFederations(doc).items).toEqual([{ ...link, name: 'Réseau', addedAt: 1000 }]);
	});

	test('a malformed link is refused by field and writes nothing; garbage stored is counted', () => {
		const { doc } = newSpace('Cantine');
		expect(keepFederation(doc, { ...link, relayUrl: 'https://example.org' })).toMatchObject({ ok: false, reason: 'invalid_field', field: 'relayUrl' });
		expect(keepFederation(doc, { ...link, readSecret: 'short' })).toMatchObject({ ok: false, field: 'readSecret' });
		expect(federationsMap(doc).size).toBe(0);
		federationsMap(doc).set('junk', { id: 'other' });
		expect(readFederations(doc)).toEqual({ items: [], unreadable: 1 });
	});
});
