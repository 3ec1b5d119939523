/** Names of members and things for the decision pages, read from the space's document. */
import type * as Y from 'yjs';
import { budgetLines, getFund, listFunds } from '$lib/domain/money';
import type { FundId, NeedId, ResourceId } from '$lib/domain/core';
import { getNeed, readNeeds } from '$lib/domain/needs';
import { getResource, listResources } from '$lib/domain/inventory';
import { listMembers, memberName } from '$lib/domain/space';
import * as m from '$lib/paraglide/messages';
import type { Names } from './labels';

export function spaceNames(doc: Y.Doc): Names {
	const unknown = m.decision_unknown_here();
	return {
		member: (id) => memberName(doc, id) ?? m.someone(),
		fund: (id) => getFund(doc, id as FundId)?.name ?? unknown,
		need: (id) => getNeed(doc, id as NeedId)?.title ?? unknown,
		resource: (id) => getResource(doc, id as ResourceId)?.name ?? unknown,
		line: (fundId, lineId) => budgetLines(doc, fundId as FundId).items.find((l) => l.id === lineId)?.label ?? unknown
	};
}

/** What the proposal form offers to allocate: open funds with their lines, needs not closed, resources, members. */
export interface Pickers {
	funds: { id: string; name: string; currency: string; lines: { id: string; label: string }[] }[];
	needs: { id: string; title: string; kind: string; unit: string }[];
	resources: { id: string; name: string }[];
	members: { id: string; name: string }[];
}

export function readPickers(doc: Y.Doc): Pickers {
	const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);
	return {
		funds: listFunds(doc)
			.items.map((f) => ({
				id: f.id,
				name: f.name,
				currency: f.currency,
				lines: budgetLines(doc, f.id)
					.items.filter((l) => l.removedAt === null)
					.map((l) => ({ id: l.id, label: l.label }))
			}))
			.sort(byName),
		needs: readNeeds(doc)
			.items.filter((n) => n.status !== 'closed')
			.map((n) => ({ id: n.id, title: n.title, kind: n.kind, unit: n.unit }))
			.sort((a, b) => a.title.localeCompare(b.title)),
		resources: listResources(doc)
			.items.map((r) => ({ id: r.id, name: r.name }))
			.sort(byName),
		members: listMembers(doc).items.map((mb) => ({ id: mb.id, name: mb.name }))
	};
}
