/**
 * What a pledge is, as stored: its schema and its type. Both the writes
 * (pledges.ts) and the derived states (pledge-state.ts) build on it.
 */
import * as v from 'valibot';
import { MAX_AMOUNT } from '../core/money';
import { entityId, idString, isoDate, recordedFields, text, timestamp } from '../core/schema';

export const positive = v.pipe(v.number(), v.finite(), v.gtValue(0), v.maxValue(MAX_AMOUNT));
export const nullable = <S extends v.GenericSchema>(schema: S) => v.optional(v.nullable(schema), null);

const memberId = entityId<'member'>();

export const PledgeSchema = v.pipe(
	v.unknown(),
	recordedFields,
	v.object({
		id: entityId<'pledge'>(),
		needId: entityId<'need'>(),
		/** The member who pledges, or null for an outside supporter. */
		memberId: nullable(memberId),
		/** An outside supporter's name; empty when `memberId` is set. */
		supporterName: v.optional(text(80), ''),
		/** In the need's unit: minor units of its currency for money. */
		amount: positive,
		note: v.optional(text(500), ''),
		/** When the pledge is an item of the inventory (a van for a day). */
		resourceId: nullable(entityId<'resource'>()),
		/** A conditional pledge counts only if pledges made up to `conditionBy` reach this total. */
		conditionThreshold: nullable(positive),
		conditionBy: nullable(isoDate),
		/** The writer's local date when the pledge was made, fixed for every replica. */
		pledgedOn: isoDate,
		deliveredOn: nullable(isoDate),
		deliveredAt: nullable(timestamp),
		deliveredBy: nullable(memberId),
		withdrawnOn: nullable(isoDate),
		withdrawnAt: nullable(timestamp),
		withdrawnBy: nullable(memberId),
		withdrawReason: v.optional(text(500), ''),
		createdAt: timestamp,
		createdBy: memberId,
		/** Set when another collective pledged through a federation: the record it came from. */
		// These two are absent, not null, when unset: pledges read as they always did.
		federation: v.optional(v.nullable(v.object({ space: idString, collective: idString, pledge: v.pipe(v.string(), v.maxLength(300)) }))),
		/** The day the other collective says it sent what it pledged, as its signed record says. */
		federationSentOn: v.optional(v.nullable(isoDate))
	}),
	v.check((p) => p.memberId !== null || p.supporterName !== ''),
	v.check((p) => (p.conditionThreshold === null) === (p.conditionBy === null))
);

export type Pledge = v.InferOutput<typeof PledgeSchema>;
