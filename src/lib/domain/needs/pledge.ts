/**
 * What a pledge is, as stored: its schema and its type. Both the writes
 * (pledges.ts) and the derived states (pledge-state.ts) build on it.
 */
import * as v from 'valibot';
import type { MemberId, NeedId, PledgeId, ResourceId } from '../core/ids';
import { MAX_AMOUNT } from '../core/money';
import { idString, isoDate, text, timestamp } from '../core/schema';

export const positive = v.pipe(v.number(), v.finite(), v.gtValue(0), v.maxValue(MAX_AMOUNT));
export const nullable = <S extends v.GenericSchema>(schema: S) => v.optional(v.nullable(schema), null);

export const PledgeSchema = v.pipe(
	v.object({
		id: idString,
		needId: idString,
		memberId: nullable(idString),
		supporterName: v.optional(text(80), ''),
		amount: positive,
		note: v.optional(text(500), ''),
		resourceId: nullable(idString),
		conditionThreshold: nullable(positive),
		conditionBy: nullable(isoDate),
		pledgedOn: isoDate,
		deliveredOn: nullable(isoDate),
		deliveredAt: nullable(timestamp),
		deliveredBy: nullable(idString),
		withdrawnOn: nullable(isoDate),
		withdrawnAt: nullable(timestamp),
		withdrawnBy: nullable(idString),
		withdrawReason: v.optional(text(500), ''),
		createdAt: timestamp,
		createdBy: idString
	}),
	v.check((p) => p.memberId !== null || p.supporterName !== ''),
	v.check((p) => (p.conditionThreshold === null) === (p.conditionBy === null))
);

export interface Pledge {
	id: PledgeId;
	needId: NeedId;
	/** The member who pledges, or null for an outside supporter. */
	memberId: MemberId | null;
	/** An outside supporter's name; empty when `memberId` is set. */
	supporterName: string;
	/** In the need's unit: minor units of its currency for money. */
	amount: number;
	note: string;
	/** When the pledge is an item of the inventory (a van for a day). */
	resourceId: ResourceId | null;
	/** A conditional pledge counts only if pledges made up to `conditionBy` reach this total. */
	conditionThreshold: number | null;
	conditionBy: string | null;
	/** The writer's local date when the pledge was made, fixed for every replica. */
	pledgedOn: string;
	deliveredOn: string | null;
	deliveredAt: number | null;
	deliveredBy: MemberId | null;
	withdrawnOn: string | null;
	withdrawnAt: number | null;
	withdrawnBy: MemberId | null;
	withdrawReason: string;
	createdAt: number;
	createdBy: MemberId;
}
