/**
 * Pledges between collectives whose sending is not confirmed: shown as a
 * conflict on both sides (the giver's, the receiver's) once they have waited
 * longer than they should.
 */
import type * as Y from 'yjs';
import type { NeedId, PledgeId } from '../core/ids';
import { pledgesMap } from '../core/schema';
import { getNeed, type NeedKind } from '../needs/needs';
import { getPledge } from '../needs/pledges';
import { readPledgesOut } from './pledges-out';

/** How long a sent pledge may wait for the other collective to confirm it before it is shown as a conflict. */
export const DELIVERY_CONFIRMATION_DAYS = 14;

function daysBetween(from: string, to: string): number {
	return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export interface UnconfirmedDelivery {
	/** 'sent': this collective sent it; 'received': another collective says it sent it here. */
	side: 'sent' | 'received';
	id: string;
	sentOn: string;
	/** The other collective's name. */
	name: string;
	amount: number;
	kind: NeedKind;
	unit: string;
	needId: NeedId | null;
}

/** Pledges between collectives sent at least 14 days ago and not confirmed as delivered, on either side. */
export function unconfirmedDeliveries(collectiveDoc: Y.Doc, today: string): UnconfirmedDelivery[] {
	const out: UnconfirmedDelivery[] = [];
	for (const pledge of readPledgesOut(collectiveDoc).items) {
		if (pledge.sentOn === null || pledge.answer === 'delivered' || pledge.withdrawnAt !== null) continue;
		if (daysBetween(pledge.sentOn, today) < DELIVERY_CONFIRMATION_DAYS) continue;
		out.push({ side: 'sent', id: pledge.id, sentOn: pledge.sentOn, name: pledge.ownerName, amount: pledge.amount, kind: pledge.kind, unit: pledge.unit, needId: null });
	}
	for (const id of pledgesMap(collectiveDoc).keys()) {
		const pledge = getPledge(collectiveDoc, id as PledgeId);
		if (!pledge || !pledge.federation || pledge.federationSentOn == null) continue;
		if (pledge.deliveredOn !== null || pledge.withdrawnOn !== null) continue;
		if (daysBetween(pledge.federationSentOn, today) < DELIVERY_CONFIRMATION_DAYS) continue;
		const need = getNeed(collectiveDoc, pledge.needId);
		out.push({ side: 'received', id: pledge.id, sentOn: pledge.federationSentOn, name: pledge.supporterName, amount: pledge.amount, kind: need?.kind ?? 'other', unit: need?.unit ?? '', needId: pledge.needId });
	}
	return out;
}
