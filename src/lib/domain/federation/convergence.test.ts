/**
 * Three collectives with two devices each, every device also holding the
 * federation, on seeded networks that cut, delay and reorder: random
 * publishing, unpublishing, edits public and private, removals and restores,
 * and bridge runs on random devices with whatever each has seen. After a full
 * sync and one more bridge run per collective, every copy of the federation
 * says what its source says now, one per item, all verified, and no device
 * has anything more to write.
 */
import { expect, test } from 'vitest';
import type * as Y from 'yjs';
import { removeResource, restoreResource, updateResource, getResource } from '../inventory/resources';
import { closeNeed, reopenNeed, getNeed } from '../needs/needs';
import type { NeedId, ResourceId } from '../core/ids';
import { createNetwork, type Network } from '../../testing/network';
import { bool, int, iterations, pick, replayAsync, seeds, subset } from '../../testing/random';
import { runPublication } from './bridge';
import { publishNeed, publishResource, readNeedMark, readResourceMark, unpublishNeed, unpublishResource } from './publish';
import { NEED_PUBLIC_FIELDS, RESOURCE_PUBLIC_FIELDS, copiesMap, copyKey, directoryMap } from './schema';
import { addRiceNeed, addVan, newCollective, newFederationDoc, updatesDuring, type TestCollective } from './testing';
import { verifyFederation } from './verify';
import { federationView } from './views';

const COLLECTIVES = 3;
const DEVICES = 2;

interface World {
	collectives: Array<{ c: TestCollective; network: Network; resources: ResourceId[]; needs: NeedId[] }>;
	federation: Network;
	/** What the bridge runs of the random steps did, to show the run exercised them. */
	stats: { written: number; behind: number };
}

async function world(gen: Parameters<typeof pick>[0]): Promise<World> {
	const collectives: World['collectives'] = [];
	for (let i = 0; i < COLLECTIVES; i++) {
		const c = await newCollective(`Collectif ${i}`);
		const resources = [addVan(c, `Camion ${i}`), addVan(c, `Perceuse ${i}`), addVan(c, `Salle ${i}`)];
		const needs = [addRiceNeed(c), addRiceNeed(c)];
		const network = createNetwork(DEVICES, int(gen, 0, 2 ** 31));
		network.startFrom(c.doc);
		collectives.push({ c, network, resources, needs });
	}
	const federation = createNetwork(COLLECTIVES * DEVICES, int(gen, 0, 2 ** 31));
	federation.startFrom(newFederationDoc());
	return { collectives, federation, stats: { written: 0, behind: 0 } };
}

function fedDoc(w: World, collective: number, device: number): Y.Doc {
	return w.federation.docs[collective * DEVICES + device]!;
}

async function step(w: World, gen: Parameters<typeof pick>[0]): Promise<void> {
	const index = int(gen, 0, COLLECTIVES - 1);
	const { c, network, resources, needs } = w.collectives[index]!;
	const device = int(gen, 0, DEVICES - 1);
	const doc = network.docs[device]!;
	const resource = pick(gen, resources);
	const need = pick(gen, needs);
	switch (int(gen, 0, 13)) {
		case 0:
		case 1:
			publishResource(doc, resource, { fields: subset(gen, RESOURCE_PUBLIC_FIELDS, 0.5).concat('name'), area: pick(gen, ['', 'Nord', 'Sud']) });
			break;
		case 2:
			unpublishResource(doc, resource);
			break;
		case 3:
			publishNeed(doc, need, { fields: subset(gen, NEED_PUBLIC_FIELDS, 0.5).concat('title') });
			break;
		case 4:
			unpublishNeed(doc, need);
			break;
		case 5:
			updateResource(doc, resource, { quantity: int(gen, 0, 9) }, c.by);
			break;
		case 6:
			updateResource(doc, resource, { location: `Local ${int(gen, 0, 9)}` }, c.by);
			break;
		case 7:
			if (bool(gen)) removeResource(doc, resource, c.by);
			else restoreResource(doc, resource, c.by);
			break;
		case 8:
			if (bool(gen)) closeNeed(doc, need, c.by);
			else reopenNeed(doc, need, c.by);
			break;
		case 9:
		case 10: {
			const run = await runPublication(doc, fedDoc(w, index, device), c.identity);
			w.stats.written += run.written;
			w.stats.behind += run.behind;
			break;
		}
		case 11: {
			const net = bool(gen) ? network : w.federation;
			if (bool(gen, 0.7)) net.flushRandom();
			else net.deliverRandom();
			break;
		}
		case 12:
			(bool(gen) ? network : w.federation).disconnectRandom();
			break;
		default:
			(bool(gen) ? network : w.federation).reconnectRandom();
	}
}

function syncAll(w: World): void {
	for (const { network } of w.collectives) network.syncAll();
	w.federation.syncAll();
}

async function check(w: World): Promise<void> {
	syncAll(w);
	// One device per collective catches the federation up with what it has now.
	for (let i = 0; i < COLLECTIVES; i++) await runPublication(w.collectives[i]!.network.docs[1]!, fedDoc(w, i, 1), w.collectives[i]!.c.identity);
	w.federation.syncAll();

	// Nobody has anything more to write.
	for (let i = 0; i < COLLECTIVES; i++) {
		for (let d = 0; d < DEVICES; d++) {
			const fed = fedDoc(w, i, d);
			expect(await updatesDuring(fed, () => runPublication(w.collectives[i]!.network.docs[d]!, fed, w.collectives[i]!.c.identity))).toBe(0);
		}
	}
	const reference = fedDoc(w, 0, 0);
	for (const doc of w.federation.docs) expect({ d: directoryMap(doc).toJSON(), c: copiesMap(doc).toJSON() }).toEqual({ d: directoryMap(reference).toJSON(), c: copiesMap(reference).toJSON() });

	const verdicts = await verifyFederation(reference);
	const view = federationView(reference, verdicts);
	expect(view.unverified).toBe(0);
	expect(view.unreadable).toBe(0);
	expect(directoryMap(reference).size).toBe(COLLECTIVES);

	let live = 0;
	for (const { c, network, resources, needs } of w.collectives) {
		const doc = network.docs[0]!;
		for (const id of resources) {
			const mark = readResourceMark(doc, id);
			const resource = getResource(doc, id)!;
			const copy = copiesMap(reference).get(copyKey(c.identity.collective, 'offer', id)) as { withdrawn: boolean; public: Record<string, unknown> | null } | undefined;
			const showing = mark?.published === true && resource.removedAt === null;
			if (!showing) {
				expect(copy === undefined || copy.withdrawn).toBe(true);
				continue;
			}
			live++;
			expect(copy?.withdrawn).toBe(false);
			expect(copy?.public?.name).toBe(resource.name);
			if (mark.fields.includes('quantity')) expect(copy?.public?.quantity).toBe(resource.quantity);
			else expect(copy?.public).not.toHaveProperty('quantity');
		}
		for (const id of needs) {
			const mark = readNeedMark(doc, id);
			const need = getNeed(doc, id)!;
			const copy = copiesMap(reference).get(copyKey(c.identity.collective, 'need', id)) as { withdrawn: boolean; public: Record<string, unknown> | null } | undefined;
			if (mark?.published !== true || need.status !== 'open') {
				expect(copy === undefined || copy.withdrawn).toBe(true);
				continue;
			}
			live++;
			expect(copy?.withdrawn).toBe(false);
			expect(copy?.public?.title).toBe(need.title);
		}
	}
	expect(view.listings).toHaveLength(live);
	expect(view.listings.every((listing) => listing.verified)).toBe(true);
	expect(JSON.stringify(copiesMap(reference).toJSON())).not.toMatch(/Local \d/);
}

for (const seed of seeds([1, 2, 3, 4, 5])) {
	test(`seed ${seed}: 3 collectives × 2 devices publishing and bridging apart converge on one fresh, verified copy per item`, async () => {
		await replayAsync(seed, async (gen) => {
			const w = await world(gen);
			const steps = iterations(200);
			for (let i = 0; i < steps; i++) await step(w, gen);
			expect(w.stats.written).toBeGreaterThan(0);
			await check(w);
			return w.stats;
		});
	});
}
