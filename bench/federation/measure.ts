/**
 * A federation of 50 collectives publishing 100 offers and 100 needs each
 * (10,000 copies), built by the real bridge, then timed: each collective's
 * first run, a run with nothing to do, a run after one item changed (the
 * bridge's cost per changed item), verifying every signature cold and again,
 * and the federation tab's view unfiltered and filtered.
 */
import * as Y from 'yjs';
import { newId, randomToken, type MemberId } from '../../src/lib/domain/core';
import { addResource, updateResource } from '../../src/lib/domain/inventory';
import { addNeed } from '../../src/lib/domain/needs';
import { createSpace } from '../../src/lib/domain/space';
import {
	VerdictCache,
	createFederation,
	deriveIdentity,
	federationView,
	planPublication,
	publishNeed,
	publishResource,
	runPublication,
	setFederationProfile,
	verifyFederation
} from '../../src/lib/domain/federation';
import type { ResourceId } from '../../src/lib/domain/core';

const AREAS = ['Marseille 1er', 'Marseille 2e', 'Marseille 3e', 'Aubagne', 'La Ciotat', 'Vitrolles'];

async function time<T>(body: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
	const start = performance.now();
	const value = await body();
	return { ms: performance.now() - start, value };
}

/** Publishes `collectives` × `perKind` offers and needs into `fed` through the bridge; each collective's first run timed. */
export async function populate(fed: Y.Doc, collectives: number, perKind: number) {
	const firstRuns: number[] = [];
	let sample: { doc: Y.Doc; identity: Awaited<ReturnType<typeof deriveIdentity>>; resource: ResourceId; by: MemberId; cache: VerdictCache } | null = null;
	for (let c = 0; c < collectives; c++) {
		const doc = new Y.Doc();
		const by = newId<'member'>() as MemberId;
		createSpace(doc, { name: `Collectif ${c}` }, by);
		setFederationProfile(doc, { name: `Collectif ${c}`, area: AREAS[c % AREAS.length] });
		let first: ResourceId | null = null;
		for (let i = 0; i < perKind; i++) {
			const area = AREAS[(c + i) % AREAS.length];
			const resource = addResource(doc, { kind: i % 2 ? 'equipment' : 'vehicle', name: `Objet ${c}-${i}`, quantity: i % 5, unit: 'pièce' }, by);
			if (!resource.ok) throw new Error(resource.reason);
			first ??= resource.id;
			publishResource(doc, resource.id, { fields: ['name', 'kind', 'quantity', 'area', 'availability'], area });
			const need = addNeed(doc, { kind: 'goods', title: `Besoin ${c}-${i}`, unit: 'kg', target: 10 + i }, by);
			if (!need.ok) throw new Error(need.reason);
			publishNeed(doc, need.id, { fields: ['title', 'target', 'area'], area });
		}
		const identity = await deriveIdentity(randomToken(32), randomToken(16));
		// A delegate's device keeps its verdicts between runs, as the federation tab does.
		const cache = new VerdictCache();
		firstRuns.push((await time(() => runPublication(doc, fed, identity, cache))).ms);
		if (c === 0) sample = { doc, identity, resource: first!, by, cache };
	}
	return { firstRuns, sample: sample! };
}

export async function measure(collectives: number, perKind: number, log: (line: string) => void): Promise<Record<string, number>> {
	const fed = new Y.Doc();
	createFederation(fed, { name: 'Réseau' }, newId<'member'>() as MemberId);
	const { firstRuns, sample } = await populate(fed, collectives, perKind);
	const copies = fed.getMap('copies').size;
	log(`federation: ${collectives} collectives, ${copies} copies, ${Y.encodeStateAsUpdate(fed).byteLength} bytes`);
	const s = sample;
	const idle = await time(() => runPublication(s.doc, fed, s.identity, s.cache));
	const idlePlan = await time(() => planPublication(s.doc, fed, s.identity));
	updateResource(s.doc, s.resource, { quantity: 42 }, s.by);
	const one = await time(() => runPublication(s.doc, fed, s.identity, s.cache));
	if (one.value.written !== 1) throw new Error(`one change wrote ${one.value.written}`);
	const cache = new VerdictCache();
	const cold = await time(() => verifyFederation(fed, cache));
	if (cold.value.copies.size !== copies) throw new Error(`only ${cold.value.copies.size} of ${copies} verified`);
	const warm = await time(() => verifyFederation(fed, cache));
	const verdicts = warm.value;
	const viewFirst = await time(() => federationView(fed, verdicts));
	const viewAgain = await time(() => federationView(fed, verdicts));
	const byType = await time(() => federationView(fed, verdicts, { type: 'need' }));
	const byArea = await time(() => federationView(fed, verdicts, { area: 'aubagne' }));
	const bySearch = await time(() => federationView(fed, verdicts, { search: 'objet 7-1' }));
	const perItemFirst = firstRuns.reduce((a, b) => a + b, 0) / (collectives * perKind * 2);
	return {
		'bridge first run, per collective (200 items)': firstRuns.reduce((a, b) => a + b, 0) / firstRuns.length,
		'bridge first run, per item': perItemFirst,
		'bridge run with nothing to do (200 items)': idle.ms,
		'plan with nothing to do (200 items)': idlePlan.ms,
		'bridge run after one item changed': one.ms,
		'verify every signature, cold': cold.ms,
		'verify again, kept verdicts': warm.ms,
		'tab view, first read of every copy': viewFirst.ms,
		'tab view again': viewAgain.ms,
		'tab view, needs only': byType.ms,
		'tab view, by area': byArea.ms,
		'tab view, search': bySearch.ms
	};
}
