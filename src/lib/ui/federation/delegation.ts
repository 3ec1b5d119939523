/**
 * Which federations this device carries a collective's publications to: the
 * federation's member secret, kept on the device only. The collective's
 * document holds the read secret every member needs; the member secret would
 * let any reader of the collective write into the federation, so it never
 * goes there.
 */
import * as v from 'valibot';

const KEY = 'passerelle:federation-delegations';
/** Said on the window when this device becomes a delegate. */
export const DELEGATION_EVENT = 'passerelle:federation-delegation';
const secret = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{32,128}$/));
const Delegations = v.record(v.string(), v.record(v.string(), secret));
type Delegations = v.InferOutput<typeof Delegations>;

function read(store: Storage): Delegations {
	try {
		const parsed = v.safeParse(Delegations, JSON.parse(store.getItem(KEY) ?? '{}'));
		return parsed.success ? parsed.output : {};
	} catch {
		return {};
	}
}

/** The federation's member secret this device holds for the collective, if it is one of its delegates. */
export function delegationSecret(store: Storage, collectiveId: string, federationId: string): string | null {
	return read(store)[collectiveId]?.[federationId] ?? null;
}

/** Whether this device is a delegate of the collective in any federation. */
export function hasDelegation(store: Storage, collectiveId: string): boolean {
	return Object.keys(read(store)[collectiveId] ?? {}).length > 0;
}

export function keepDelegation(store: Storage, collectiveId: string, federationId: string, memberSecret: string): void {
	const all = read(store);
	all[collectiveId] = { ...all[collectiveId], [federationId]: memberSecret };
	store.setItem(KEY, JSON.stringify(all));
	// The background carrier of this tab opens the federation as a delegate at once.
	if (typeof dispatchEvent === 'function') dispatchEvent(new Event(DELEGATION_EVENT));
}

/** This device stops carrying the collective's publications into the federation; the member secret is forgotten here. */
export function forgetDelegation(store: Storage, collectiveId: string, federationId: string): void {
	const all = read(store);
	const mine = { ...all[collectiveId] };
	delete mine[federationId];
	if (Object.keys(mine).length === 0) delete all[collectiveId];
	else all[collectiveId] = mine;
	store.setItem(KEY, JSON.stringify(all));
	if (typeof dispatchEvent === 'function') dispatchEvent(new Event(DELEGATION_EVENT));
}
