import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { readSpaceMeta } from '../space/space';
import { newSpace } from '../space/testing';
import { runPublication } from './bridge';
import { publishNeed, publishResource } from './publish';
import { createFederation, isFederation } from './space';
import { addRiceNeed, addVan, newCollective, newFederationDoc } from './testing';
import { VerdictCache } from './signatures';
import { COPY_SLICE, NO_VERDICTS, verifyFederation } from './verify';
import { federationView, titleOf } from './views';
import { memberId } from '../space/testing';

async function federation() {
	const fed = newFederationDoc();
	const canteen = await newCollective('Cantine');
	const bank = await newCollective('Banque alimentaire');
	publishResource(canteen.doc, addVan(canteen, 'Camionnette'), { fields: ['name', 'kind', 'area'], area: 'Nord' });
	publishResource(canteen.doc, addVan(canteen, 'Vélo cargo'), { fields: ['name', 'area'], area: 'Sud' });
	publishNeed(bank.doc, addRiceNeed(bank), { fields: ['title', 'target', 'area'], area: 'Nord' });
	publishResource(bank.doc, addVan(bank, 'Chambre froide'), { fields: ['name'] });
	await runPublication(canteen.doc, fed, canteen.identity);
	await runPublication(bank.doc, fed, bank.identity);
	return { fed, canteen, bank, verdicts: await verifyFederation(fed) };
}

describe('federation views', () => {
	test('the directory and every listing, verified, sorted by name', async () => {
		const { fed, verdicts } = await federation();
		const view = federationView(fed, verdicts);
		expect(view.directory.map((entry) => entry.profile.name)).toEqual(['Banque alimentaire', 'Cantine']);
		expect(view.listings.map(titleOf)).toEqual(['Camionnette', 'Chambre froide', 'Riz pour la cantine', 'Vélo cargo']);
		expect(view.listings.every((listing) => listing.verified)).toBe(true);
		expect(view.unverified).toBe(0);
	});

	test('filtered by kind, collective, area (case and accents aside) and search', async () => {
		const { fed, verdicts, bank } = await federation();
		const titles = (filter: Parameters<typeof federationView>[2]) => federationView(fed, verdicts, filter).listings.map(titleOf);
		expect(titles({ type: 'need' })).toEqual(['Riz pour la cantine']);
		expect(titles({ type: 'offer', collective: bank.identity.collective })).toEqual(['Chambre froide']);
		expect(titles({ area: 'nord' })).toEqual(['Camionnette', 'Riz pour la cantine']);
		expect(titles({ search: 'velo' })).toEqual(['Vélo cargo']);
		// The collective's name is searched too.
		expect(titles({ search: 'BANQUE' })).toEqual(['Chambre froide', 'Riz pour la cantine']);
		expect(titles({ search: 'nothing like it' })).toEqual([]);
	});

	test('before any verdict, nothing is shown as verified and no name is taken on trust', async () => {
		const { fed } = await federation();
		const view = federationView(fed, NO_VERDICTS);
		expect(view.listings).toHaveLength(4);
		expect(view.listings.every((listing) => listing.verified === null && listing.collectiveName === null)).toBe(true);
		// The directory is checked first: until then its entries count as unverified; copies are still being checked.
		expect(view.unverified).toBe(2);
		expect(view.checking).toBe(true);
	});

	test('with the directory checked and the copies not yet, names show and copies are neither verified nor unverified', async () => {
		const { fed } = await federation();
		let early: Parameters<typeof federationView>[1] | null = null;
		const final = await verifyFederation(fed, undefined, (verdicts) => (early = verdicts));
		const view = federationView(fed, early!);
		expect(view.directory.every((entry) => entry.verified)).toBe(true);
		expect(view.listings.every((listing) => listing.verified === null && listing.collectiveName !== null)).toBe(true);
		expect(view.unverified).toBe(0);
		expect(federationView(fed, final).checking).toBe(false);
	});

	test('a filter picks from the listings read and sorted once, and a change to the federation is read again', async () => {
		const { fed, verdicts, canteen } = await federation();
		const all = federationView(fed, verdicts);
		const needs = federationView(fed, verdicts, { type: 'need' });
		// The same listing, not read again from the document for the filter.
		expect(needs.listings[0]).toBe(all.listings.find((listing) => listing.type === 'need'));
		expect(federationView(fed, verdicts, { search: 'cargo' }).listings[0]).toBe(all.listings.find((listing) => titleOf(listing) === 'Vélo cargo'));
		publishResource(canteen.doc, addVan(canteen, 'Atelier vélo'), { fields: ['name'] });
		await runPublication(canteen.doc, fed, canteen.identity);
		// Not yet verified under the old verdicts: listed after the verified ones, and not as verified.
		const after = federationView(fed, verdicts);
		expect(after.listings.map(titleOf)).toEqual(['Camionnette', 'Chambre froide', 'Riz pour la cantine', 'Vélo cargo', 'Atelier vélo']);
		expect(after.listings[4]?.verified).toBe(false);
		expect(federationView(fed, verdicts, { search: 'atelier' }).listings.map(titleOf)).toEqual(['Atelier vélo']);
		const fresh = await verifyFederation(fed);
		expect(federationView(fed, fresh).listings.map(titleOf)).toEqual(['Atelier vélo', 'Camionnette', 'Chambre froide', 'Riz pour la cantine', 'Vélo cargo']);
	});

	test('copies are checked a slice at a time, the page getting turns in between, the first only after the directory shows', async () => {
		const fed = newFederationDoc();
		const canteen = await newCollective('Cantine');
		const count = COPY_SLICE * 2 + 10;
		for (let i = 0; i < count; i++) publishResource(canteen.doc, addVan(canteen, `Objet ${i}`), { fields: ['name'] });
		await runPublication(canteen.doc, fed, canteen.identity);
		class Counting extends VerdictCache {
			started = 0;
			override valid(publicKey: string, raw: unknown): Promise<boolean> {
				this.started++;
				return super.valid(publicKey, raw);
			}
		}
		const cache = new Counting();
		const seen: number[] = [];
		let done = false;
		const watch = () => {
			seen.push(cache.started);
			if (!done) setTimeout(watch, 0);
		};
		const final = await verifyFederation(fed, cache, () => setTimeout(watch, 0));
		done = true;
		// One check for the profile, then the copies: none started when the page first gets a turn.
		expect(seen[0]).toBe(1);
		expect(seen.some((started) => started > 1 && started < count + 1)).toBe(true);
		expect(final.copies.size).toBe(count);
		expect(federationView(fed, final).listings.every((listing) => listing.verified === true)).toBe(true);
	});
});

describe('federation spaces', () => {
	test('a federation says so in its meta; a collective, old or new, does not', () => {
		const fed = new Y.Doc();
		expect(createFederation(fed, { name: 'Réseau' }, memberId(), 1000)).toEqual({ ok: true, changed: true });
		expect(readSpaceMeta(fed)).toMatchObject({ name: 'Réseau', kind: 'federation' });
		expect(isFederation(fed)).toBe(true);
		const { doc } = newSpace('Cantine');
		expect(isFederation(doc)).toBe(false);
		// A space written before kinds existed reads as a collective.
		doc.getMap('meta').delete('kind');
		expect(readSpaceMeta(doc)?.kind).toBe('collective');
		expect(createFederation(new Y.Doc(), { name: ' ' }, memberId())).toMatchObject({ ok: false, reason: 'invalid_field', field: 'name' });
	});
});
