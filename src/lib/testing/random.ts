/**
 * The one seeded random generator of the test suite (lib0's, as in the Yjs tests), and the
 * few helpers tests draw with. Every test that draws random values starts from a seed that
 * it prints when it fails; `PASSERELLE_SEED=<seed>` replays that seed alone,
 * `PASSERELLE_ITERATIONS=<n>` runs n random steps per run instead of a test's default, and
 * `PASSERELLE_RUNS=<n>` adds fresh seeds until a test has n runs.
 */
import * as prng from 'lib0/prng';

export type Gen = prng.PRNG;

export const SEED_VARIABLE = 'PASSERELLE_SEED';
export const ITERATIONS_VARIABLE = 'PASSERELLE_ITERATIONS';
export const RUNS_VARIABLE = 'PASSERELLE_RUNS';

const MAX_SEED = 0xffff_ffff;

export function generator(seed: number): Gen {
	return prng.create(checkSeed(seed));
}

function checkSeed(seed: number): number {
	if (!Number.isSafeInteger(seed) || seed < 0 || seed > MAX_SEED) {
		throw new RangeError(`A seed is a whole number from 0 to ${MAX_SEED}, not ${seed}`);
	}
	return seed;
}

/** A whole number from `min` to `max`, both included. */
export function int(gen: Gen, min: number, max: number): number {
	if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max < min) {
		throw new RangeError(`No whole number lies from ${min} to ${max}`);
	}
	return prng.int53(gen, min, max);
}

/** True with probability `p`. */
export function bool(gen: Gen, p = 0.5): boolean {
	return prng.real53(gen) < p;
}

/** A real number in [0, 1). */
export function real(gen: Gen): number {
	return prng.real53(gen);
}

export function pick<T>(gen: Gen, items: readonly T[]): T {
	if (items.length === 0) throw new RangeError('Nothing to pick from');
	return items[int(gen, 0, items.length - 1)] as T;
}

/** One of `items`, or undefined when there is none: for picking among what a replica happens to hold. */
export function maybePick<T>(gen: Gen, items: readonly T[]): T | undefined {
	return items.length === 0 ? undefined : pick(gen, items);
}

/** Each of `items` kept with probability `p`, in their order. */
export function subset<T>(gen: Gen, items: readonly T[], p = 0.5): T[] {
	return items.filter(() => bool(gen, p));
}

/** A shuffled copy (Fisher–Yates). */
export function shuffle<T>(gen: Gen, items: readonly T[]): T[] {
	const out = [...items];
	for (let i = out.length - 1; i > 0; i--) {
		const j = int(gen, 0, i);
		[out[i], out[j]] = [out[j] as T, out[i] as T];
	}
	return out;
}

// Letters, digits and spaces, with the accents, apostrophes and emoji that members type.
const ALPHABET = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789     éèàçôœÉ’-\'🚲🍞'];

/** A string of `min` to `max` characters (code points) as members type them. */
export function string(gen: Gen, min = 0, max = 20): string {
	let out = '';
	for (let n = int(gen, min, max); n > 0; n--) out += pick(gen, ALPHABET);
	return out;
}

export function bytes(gen: Gen, length: number): Uint8Array {
	return prng.uint8Array(gen, length);
}

/** A Yjs client id: non-zero, 32 bits. */
export function clientId(gen: Gen): number {
	return int(gen, 1, MAX_SEED);
}

function variable(name: string): string | undefined {
	const value = globalThis.process?.env[name]?.trim();
	return value === undefined || value === '' ? undefined : value;
}

function wholeVariable(name: string, min: number, max: number): number | undefined {
	const value = variable(name);
	if (value === undefined) return undefined;
	const number = Number(value);
	if (!/^\d+$/.test(value) || number < min || number > max) {
		throw new RangeError(`${name} must be a whole number from ${min} to ${max}, not "${value}"`);
	}
	return number;
}

/**
 * The seeds a test runs with: `PASSERELLE_SEED` alone when set, to replay a failure; else the
 * test's own seeds, followed by fresh ones up to `PASSERELLE_RUNS` runs.
 */
export function seeds(defaults: readonly number[]): number[] {
	const replay = wholeVariable(SEED_VARIABLE, 0, MAX_SEED);
	if (replay !== undefined) return [replay];
	const out = defaults.map(checkSeed);
	const runs = wholeVariable(RUNS_VARIABLE, 1, 1_000_000) ?? out.length;
	while (out.length < runs) out.push(Math.floor(Math.random() * MAX_SEED));
	return out;
}

/** How many random steps a run takes: the test's default unless `PASSERELLE_ITERATIONS` says otherwise. */
export function iterations(defaultCount: number): number {
	return wholeVariable(ITERATIONS_VARIABLE, 1, 100_000_000) ?? defaultCount;
}

export function replayHint(seed: number): string {
	const steps = variable(ITERATIONS_VARIABLE);
	return `seed ${seed}: replay with ${SEED_VARIABLE}=${seed}${steps === undefined ? '' : ` ${ITERATIONS_VARIABLE}=${steps}`}`;
}

/** Adds the replay hint to an error, once, keeping its class and its expected/actual values. */
export function withReplayHint(error: unknown, seed: number): unknown {
	const hint = replayHint(seed);
	if (error instanceof Error) {
		if (!error.message.includes(hint)) error.message = `${error.message}\n(${hint})`;
		return error;
	}
	return new Error(`${String(error)}\n(${hint})`);
}

/**
 * Runs `body` with a generator seeded by `seed`, and with the ids the domain draws
 * (`crypto.getRandomValues`) drawn from the same seed, so that a replay makes the same ids,
 * hence the same orders and the same choices. A failure carries the seed to replay it.
 */
export function replay<T>(seed: number, body: (gen: Gen) => T): T {
	const gen = generator(seed);
	const ids = generator((seed ^ 0x5eed_1d5) >>> 0);
	const crypto = globalThis.crypto;
	const own = Object.getOwnPropertyDescriptor(crypto, 'getRandomValues');
	crypto.getRandomValues = <A extends ArrayBufferView | null>(array: A): A => {
		if (array !== null) new Uint8Array(array.buffer, array.byteOffset, array.byteLength).set(bytes(ids, array.byteLength));
		return array;
	};
	try {
		const result = body(gen);
		if (result instanceof Promise) throw new TypeError('replay() runs synchronous bodies: the ids of other tests would be seeded too');
		return result;
	} catch (error) {
		throw withReplayHint(error, seed);
	} finally {
		if (own === undefined) delete (crypto as { getRandomValues?: unknown }).getRandomValues;
		else Object.defineProperty(crypto, 'getRandomValues', own);
	}
}

/**
 * `replay` for a body that awaits: the generator, and the seed on failure. The domain's ids
 * stay unseeded, since other tests may run while this one waits.
 */
export async function replayAsync<T>(seed: number, body: (gen: Gen) => Promise<T>): Promise<T> {
	try {
		return await body(generator(seed));
	} catch (error) {
		throw withReplayHint(error, seed);
	}
}
