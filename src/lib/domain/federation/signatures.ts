/**
 * Checking a stored record's signature, and keeping the verdict while the
 * record is the same object: Yjs hands back the same object for a plain value
 * until it is replaced, so each record is verified once.
 */
import { plainValue } from '../core/schema';
import { verifyRecord } from './identity';

function bodyOf(raw: unknown): { body: Record<string, unknown>; sig: unknown } | null {
	const plain = plainValue(raw);
	if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) return null;
	const { sig, ...body } = plain as Record<string, unknown>;
	return { body, sig };
}

/** Whether a stored record carries `publicKey`'s valid signature. */
export async function signedBy(publicKey: string, raw: unknown): Promise<boolean> {
	const parts = bodyOf(raw);
	if (!parts || typeof parts.sig !== 'string') return false;
	return verifyRecord(publicKey, parts.body, parts.sig);
}


/** Verdicts per stored record, kept while the record is: the same object is never verified twice. */
export class VerdictCache {
	readonly #kept = new WeakMap<object, { publicKey: string; valid: boolean }>();

	async valid(publicKey: string, raw: unknown): Promise<boolean> {
		if (typeof raw !== 'object' || raw === null) return false;
		const kept = this.#kept.get(raw);
		if (kept && kept.publicKey === publicKey) return kept.valid;
		const valid = await signedBy(publicKey, raw);
		this.#kept.set(raw, { publicKey, valid });
		return valid;
	}

	/** A record this device has just signed and stored: known valid without checking it again. */
	signed(publicKey: string, record: object): void {
		this.#kept.set(record, { publicKey, valid: true });
	}
}
