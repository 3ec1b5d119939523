/**
 * Identifiers are random, URL-safe and typed: a `ResourceId` cannot be passed
 * where a `MemberId` is meant, even though both are strings at run time.
 */
declare const brand: unique symbol;
export type Id<Kind extends string> = string & { readonly [brand]: Kind };

export type SpaceId = Id<'space'>;
export type MemberId = Id<'member'>;
export type ResourceId = Id<'resource'>;
export type NeedId = Id<'need'>;
export type PledgeId = Id<'pledge'>;
export type FundId = Id<'fund'>;
export type BudgetLineId = Id<'budget-line'>;
export type LedgerEntryId = Id<'ledger-entry'>;
export type BookingId = Id<'booking'>;
export type DecisionId = Id<'decision'>;
export type ActivityId = Id<'activity'>;

/** 16 random bytes (128 bits) as base64url: 22 characters. */
export function randomToken(bytes = 16): string {
	const raw = new Uint8Array(bytes);
	crypto.getRandomValues(raw);
	return toBase64Url(raw);
}

export function newId<Kind extends string>(): Id<Kind> {
	return randomToken(16) as Id<Kind>;
}

const ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

export function isId(value: unknown): value is string {
	return typeof value === 'string' && ID_PATTERN.test(value);
}

export function toBase64Url(bytes: Uint8Array): string {
	let binary = '';
	for (const byte of bytes) binary += String.fromCharCode(byte);
	return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
