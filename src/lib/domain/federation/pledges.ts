/**
 * Pledging to another collective's need through a federation: money, goods,
 * hours, conditional or firm, with the pledge kinds of the needs aggregate.
 *
 * 1. A member of the giving collective B pledges, offline if need be: the
 *    pledge is written into B's own document (`pledgesOut`).
 * 2. A delegate's device of B carries it into the federation as a record
 *    signed by B, under `<B>.pledge.<id>`.
 * 3. A delegate's device of the receiving collective A turns a verified one
 *    into a pledge on A's need, from "collective B", under an id derived from
 *    the record, so two of A's devices write one pledge.
 * 4. When B has sent what it pledged, a member of B says so: for money, from
 *    one of B's funds, which writes an `out` entry in B's ledger. The mark
 *    crosses in B's record; A's pledge shows it, and a member of A confirms
 *    receipt with the usual delivery, which writes the `in` entry in A's
 *    ledger. Both entries carry the record's key as their shared reference.
 * 5. A's devices write the pledge's state back as a response signed by A
 *    (received, delivered, withdrawn, declined); B's devices copy it.
 *
 * One writer per record: B writes its pledge (and only ever adds a
 * withdrawal or a sent date to it), A writes its response.
 */
import * as v from 'valibot';
import * as Y from 'yjs';
import { opened } from '../core/derived';
import type { MemberId, PledgeId } from '../core/ids';
import { localDate } from '../core/dates';
import { LOCAL_ORIGIN, idString, isoDate, pledgesMap, text } from '../core/schema';
import { derivedEntryId, getEntry } from '../money/ledger';
import { NEED_KINDS, getNeed } from '../needs/needs';
import { getPledge, receivePledge } from '../needs/pledges';
import type { Pledge } from '../needs/pledge';
import { noteUnverified } from './alerts';
import { itemsOf, revisionOf } from './bridge';
import { contentHash } from './canonical';
import {
	answerIsNewer,
	checkAnswer,
	checkOwnResponses,
	collectiveIdSchema,
	distrust,
	flag,
	nameOf,
	noChecks,
	parsed,
	responsesMap,
	responseToWrite,
	setAnswer,
	signAndWrite,
	signatureSchema,
	storedResponse,
	trusted,
	type Answer,
	type Checks
} from './exchange';
import type { CollectiveId, CollectiveIdentity } from './identity';
import { amountSchema, conditionSchema, needKeySchema, needOf, pledgeKey, pledgesOutMap, readPledgesOut, type PledgeOut } from './pledges-out';
import { RECORD_VERSION, type Revision } from './schema';
import { VerdictCache } from './signatures';

/** In a federation's document: the pledges collectives made to each other's needs. */
export function federationPledgesMap(doc: Y.Doc): Y.Map<unknown> {
	return opened(doc.getMap('pledges'));
}

/** The pledge a record becomes in the receiving collective: the same id on every device that carries it. */
export function pledgeIdFor(key: string): PledgeId {
	return contentHash({ pledge: key }) as PledgeId;
}

// ---- Records in the federation ----


export const PledgeRecordSchema = v.object({
	v: v.literal(RECORD_VERSION),
	collective: collectiveIdSchema,
	id: idString,
	copy: needKeySchema,
	kind: v.picklist(NEED_KINDS),
	unit: text(30),
	amount: amountSchema,
	note: text(500),
	condition: conditionSchema,
	withdrawn: v.boolean(),
	sentOn: v.nullable(isoDate),
	sig: signatureSchema
});
export type PledgeRecord = v.InferOutput<typeof PledgeRecordSchema>;
export type PledgeBody = Omit<PledgeRecord, 'sig'>;

export interface PledgesChecked extends Checks {
	/** Pledges to this collective's needs, signed by the collective they name as giving, by key. */
	incoming: Map<string, PledgeRecord>;
}

export interface PledgePlan {
	writes: Array<{ map: 'pledges' | 'responses'; key: string; body: object; replaces: unknown }>;
	receive: Array<{ id: PledgeId; record: PledgeRecord; name: string }>;
	withdraw: PledgeId[];
	sent: Array<{ id: PledgeId; sentOn: string }>;
	/** Deliveries to mark again: their money is in the ledger, but the mark was lost in a merge (see below). */
	delivered: Array<{ id: PledgeId; on: string; at: number; by: MemberId }>;
	answers: Array<{ id: string; answer: Answer; from: [number, number] }>;
}

/** The state A's response gives of a pledge, from the pledge it became. */
export function pledgeAnswerOf(record: PledgeRecord, pledge: Pledge | undefined, needOpen: boolean): Answer {
	if (!pledge) return record.withdrawn ? 'withdrawn' : needOpen ? 'received' : 'declined';
	if (pledge.deliveredOn !== null) return 'delivered';
	if (pledge.withdrawnOn !== null) return 'withdrawn';
	return 'received';
}

/** What to write, each way, for the pledges between this collective and a federation. Pure. */
export function planPledges(collectiveDoc: Y.Doc, federationDoc: Y.Doc, federation: string, own: CollectiveId, checked: PledgesChecked): PledgePlan {
	const plan: PledgePlan = { writes: [], receive: [], withdraw: [], sent: [], delivered: [], answers: [] };
	const records = federationPledgesMap(federationDoc);

	for (const pledge of readPledgesOut(collectiveDoc, federation).items) {
		const key = pledgeKey(own, pledge.id);
		const raw = records.get(key);
		const stored = checked.distrusted.has(key) ? null : parsed(PledgeRecordSchema, raw);
		const body: PledgeBody = {
			v: RECORD_VERSION,
			collective: own,
			id: pledge.id,
			copy: pledge.copy,
			kind: pledge.kind,
			unit: pledge.unit,
			amount: pledge.amount,
			note: pledge.note,
			condition: pledge.conditionThreshold !== null && pledge.conditionBy !== null ? { threshold: pledge.conditionThreshold, by: pledge.conditionBy } : null,
			// Marks only ever arrive: a device that has not seen one keeps what the record already says.
			withdrawn: pledge.withdrawnAt !== null || Boolean(stored?.withdrawn),
			sentOn: pledge.sentOn ?? stored?.sentOn ?? null
		};
		if (!stored || stored.withdrawn !== body.withdrawn || stored.sentOn !== body.sentOn) plan.writes.push({ map: 'pledges', key, body, replaces: raw });
		const answer = checked.answers.get(key);
		if (answer && answerIsNewer(federationDoc, pledge, answer.from)) plan.answers.push({ id: pledge.id, answer: answer.record.state, from: answer.from });
	}

	for (const [key, record] of checked.incoming) {
		const target = needOf(record.copy);
		if (!target || target.owner !== own) continue;
		const id = pledgeIdFor(key);
		const pledge = getPledge(collectiveDoc, id);
		const need = getNeed(collectiveDoc, target.need);
		const needOpen = Boolean(need && need.status !== 'closed' && need.kind === record.kind && need.unit === record.unit);
		const { key: rkey, raw, current } = storedResponse(federationDoc, own, key, checked);
		const refused = current?.state === 'declined' && current.rev.length === 0;
		if (!pledge && !pledgesMap(collectiveDoc).has(id) && !record.withdrawn && needOpen && !refused) {
			plan.receive.push({ id, record, name: nameOf(federationDoc, record.collective) });
			continue;
		}
		if (pledge && record.withdrawn && pledge.withdrawnOn === null && pledge.deliveredOn === null) {
			plan.withdraw.push(id);
			continue;
		}
		// Two delegates' devices that both wrote the pledge offline: one of the two maps wins
		// the merge whole, and a delivery marked on the other is lost while its money stays in
		// the ledger, under the id derived from the pledge. The entry says it was delivered.
		const money = pledge && pledge.deliveredOn === null ? getEntry(collectiveDoc, derivedEntryId('pledge', id)) : undefined;
		if (pledge && money && money.pledgeId === id && money.reversedBy === null) {
			plan.delivered.push({ id, on: money.date, at: money.createdAt, by: money.createdBy });
			continue;
		}
		if (pledge && record.sentOn && pledge.federationSentOn == null) {
			plan.sent.push({ id, sentOn: record.sentOn });
			continue;
		}
		if (refused && !pledge) continue;
		const state = pledgeAnswerOf(record, pledge, needOpen);
		const rev: Revision = revisionOf(itemsOf(pledgesMap(collectiveDoc), id));
		const body = responseToWrite(collectiveDoc, own, key, current, state, rev, record.withdrawn && state === 'withdrawn');
		if (body) plan.writes.push({ map: 'responses', key: rkey, body, replaces: raw });
	}
	return plan;
}

/** Checks the pledge records planning reads: to this collective's needs, answers to its pledges, and its own. */
export async function checkPledges(collectiveDoc: Y.Doc, federationDoc: Y.Doc, federation: string, own: Pick<CollectiveIdentity, 'collective' | 'publicKey'>, cache: VerdictCache): Promise<PledgesChecked> {
	const { keys, allowed } = await trusted(collectiveDoc, federationDoc, federation, cache);
	const checked: PledgesChecked = { ...noChecks(), incoming: new Map() };
	const jobs: Promise<void>[] = [];
	const prefix = `${own.collective}.need.`;
	for (const [key, raw] of federationPledgesMap(federationDoc).entries()) {
		const record = parsed(PledgeRecordSchema, raw);
		if (!record || key !== pledgeKey(record.collective, record.id)) {
			if (key.startsWith(`${own.collective}.`)) distrust(checked, key);
			continue;
		}
		if (record.collective === own.collective) {
			jobs.push(cache.valid(own.publicKey, raw).then((valid) => void (valid || distrust(checked, key))));
			continue;
		}
		if (!record.copy.startsWith(prefix)) continue;
		const publicKey = keys.get(record.collective);
		if (!publicKey) {
			flag(checked, key);
			continue;
		}
		if (allowed && !allowed.has(record.collective)) continue;
		jobs.push(cache.valid(publicKey, raw).then((valid) => (valid ? void checked.incoming.set(key, record) : void flag(checked, key))));
	}
	for (const pledge of readPledgesOut(collectiveDoc, federation).items) {
		const target = needOf(pledge.copy);
		const job = target && checkAnswer(federationDoc, keys, cache, checked, target.owner, pledgeKey(own.collective, pledge.id));
		if (job) jobs.push(job);
	}
	await Promise.all(jobs);
	await checkOwnResponses(federationDoc, own, cache, checked, checked.incoming.keys());
	return checked;
}

export interface PledgeRun {
	written: number;
	applied: number;
	unverified: number;
}

/** Checks, plans, writes: the collective's space first, then the federation, planned again in between. */
export async function runPledges(
	collectiveDoc: Y.Doc,
	federationDoc: Y.Doc,
	federation: string,
	identity: CollectiveIdentity,
	by: MemberId,
	cache = new VerdictCache(),
	now = Date.now()
): Promise<PledgeRun> {
	const today = localDate(new Date(now));
	let checked = await checkPledges(collectiveDoc, federationDoc, federation, identity, cache);
	let plan = planPledges(collectiveDoc, federationDoc, federation, identity.collective, checked);
	let applied = 0;
	if (plan.receive.length + plan.withdraw.length + plan.sent.length + plan.delivered.length + plan.answers.length > 0) {
		collectiveDoc.transact(() => {
			for (const { id, record, name } of plan.receive) {
				const target = needOf(record.copy)!;
				const link = { space: federation, collective: record.collective, pledge: pledgeKey(record.collective, record.id) };
				if (receivePledge(collectiveDoc, id, { needId: target.need, amount: record.amount, note: record.note, condition: record.condition, name, federation: link }, by, now)) applied++;
			}
			for (const id of plan.withdraw) {
				const entry = pledgesMap(collectiveDoc).get(id);
				if (!(entry instanceof Y.Map)) continue;
				entry.set('withdrawnOn', today);
				entry.set('withdrawnAt', now);
				entry.set('withdrawnBy', by);
				applied++;
			}
			for (const { id, on, at, by: who } of plan.delivered) {
				const entry = pledgesMap(collectiveDoc).get(id);
				if (!(entry instanceof Y.Map) || entry.get('deliveredOn') != null) continue;
				entry.set('deliveredOn', on);
				entry.set('deliveredAt', at);
				entry.set('deliveredBy', who);
				applied++;
			}
			for (const { id, sentOn } of plan.sent) {
				const entry = pledgesMap(collectiveDoc).get(id);
				if (!(entry instanceof Y.Map)) continue;
				entry.set('federationSentOn', sentOn);
				applied++;
			}
			for (const { id, answer, from } of plan.answers) if (setAnswer(pledgesOutMap(collectiveDoc).get(id), answer, from)) applied++;
		}, LOCAL_ORIGIN);
		checked = await checkPledges(collectiveDoc, federationDoc, federation, identity, cache);
		plan = planPledges(collectiveDoc, federationDoc, federation, identity.collective, checked);
	}
	applied += noteUnverified(collectiveDoc, federation, checked.unverifiedKeys, today);
	const maps = { pledges: federationPledgesMap(federationDoc), responses: responsesMap(federationDoc) };
	const written = await signAndWrite(federationDoc, identity, cache, plan.writes.map((write) => ({ ...write, map: maps[write.map] })));
	return { written, applied, unverified: checked.unverified };
}

/** Where a pledge made by this collective stands, as its members read it. */
export type PledgeOutState = 'waiting_delegate' | 'waiting_answer' | 'received' | 'sent' | 'delivered' | 'withdrawn' | 'declined';

export interface PledgeOutRow extends PledgeOut {
	state: PledgeOutState;
	owner: CollectiveId | null;
}

export function pledgesOutView(collectiveDoc: Y.Doc, federationDoc: Y.Doc, federation: string, own: CollectiveId | null): PledgeOutRow[] {
	const records = federationPledgesMap(federationDoc);
	return readPledgesOut(collectiveDoc, federation).items.map((pledge) => {
		const owner = needOf(pledge.copy)?.owner ?? null;
		const carried = own ? parsed(PledgeRecordSchema, records.get(pledgeKey(own, pledge.id))) : null;
		let state: PledgeOutState;
		if (pledge.answer === 'delivered' || pledge.answer === 'declined') state = pledge.answer;
		else if (pledge.withdrawnAt !== null || pledge.answer === 'withdrawn') state = 'withdrawn';
		else if (pledge.sentOn !== null) state = 'sent';
		else if (pledge.answer === 'received') state = 'received';
		else state = carried ? 'waiting_answer' : 'waiting_delegate';
		return { ...pledge, state, owner };
	});
}
