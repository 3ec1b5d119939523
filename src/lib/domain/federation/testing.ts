/** Builders for federation tests: collectives with their identity, a federation, and replicas of each. */
import * as Y from 'yjs';
import { randomToken } from '../core/ids';
import { addResource } from '../inventory/resources';
import { addNeed } from '../needs/needs';
import { created, newSpace } from '../space/testing';
import { deriveIdentity, type CollectiveIdentity } from './identity';
import { setFederationProfile } from './publish';
import { createFederation } from './space';
import { memberId } from '../space/testing';

export interface TestCollective {
	doc: Y.Doc;
	by: ReturnType<typeof memberId>;
	identity: CollectiveIdentity;
	spaceId: string;
	secret: string;
}

export async function newCollective(name: string): Promise<TestCollective> {
	const { doc, by } = newSpace(name);
	const secret = randomToken(32);
	const spaceId = randomToken(16);
	setFederationProfile(doc, { name, description: `${name}, collectif`, area: 'Marseille 3e', contact: 'contact@example.org' });
	return { doc, by, identity: await deriveIdentity(secret, spaceId), spaceId, secret };
}

export function newFederationDoc(name = 'Réseau des cantines'): Y.Doc {
	const doc = new Y.Doc();
	createFederation(doc, { name }, memberId(), 1_700_000_000_000);
	return doc;
}

/** Another device holding the same document as `doc`: same content, its own Yjs client. */
export function replica(doc: Y.Doc): Y.Doc {
	const copy = new Y.Doc();
	Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
	return copy;
}

export function addVan(collective: TestCollective, name = 'Camionnette') {
	return created(
		addResource(collective.doc, { kind: 'vehicle', name, description: 'Clés chez Marie, 12 rue Longue', quantity: 1, unit: 'véhicule', location: '12 rue Longue' }, collective.by, 1_700_000_000_000)
	);
}

export function addRiceNeed(collective: TestCollective) {
	return created(addNeed(collective.doc, { kind: 'goods', title: 'Riz pour la cantine', description: 'Pour 40 repas', unit: 'kg', target: 25 }, collective.by, 1_700_000_000_000));
}

/** Counts the updates a document emits while `body` runs. */
export async function updatesDuring(doc: Y.Doc, body: () => Promise<unknown>): Promise<number> {
	let count = 0;
	const listener = () => count++;
	doc.on('update', listener);
	try {
		await body();
	} finally {
		doc.off('update', listener);
	}
	return count;
}
