import * as wire from '$wire';
import { describe, expect, it } from 'vitest';
import { closeCodeProblems, problemFromCloseCode, relayProtocols } from './relay-access';

describe('relay close codes', () => {
	it('tells the relay’s decisions from network trouble', () => {
		expect(problemFromCloseCode(undefined)).toBeNull();
		expect(problemFromCloseCode(1006)).toBeNull();
		expect(problemFromCloseCode(1001)).toBeNull();
		expect(problemFromCloseCode(4403)).toBe('refused');
		expect(problemFromCloseCode(4413)).toBe('too_large');
		expect(problemFromCloseCode(4529)).toBe('busy');
		expect(problemFromCloseCode(4503)).toBe('busy');
	});

	it('names a relay whose disk is full apart from a busy one', () => {
		expect(problemFromCloseCode(4507)).toBe('storage_low');
		expect(problemFromCloseCode(4506)).toBe('busy');
		expect(problemFromCloseCode(4508)).toBe('busy');
	});
});

describe('credentials in the WebSocket subprotocols', () => {
	it('offers the protocol version, the tokens, the claim and the claim key, and asks for acknowledgements', () => {
		expect(relayProtocols({ token: 'T'.repeat(43) })).toEqual(['passerelle.2', `t.${'T'.repeat(43)}`, 'ack']);
		expect(
			relayProtocols(
				{ token: 'T'.repeat(43), readToken: 'R'.repeat(43) },
				{ claim: 'C'.repeat(43), recoveryHash: 'a'.repeat(64), claimKey: 'site-key-of-the-factory' }
			)
		).toEqual([
			'passerelle.2',
			`t.${'T'.repeat(43)}`,
			`r.${'R'.repeat(43)}`,
			`c.${'C'.repeat(43)}`,
			`v.${'a'.repeat(64)}`,
			'k.site-key-of-the-factory',
			'ack'
		]);
	});

	it('names the claim refusals apart from a rotated key', () => {
		expect(problemFromCloseCode(4401)).toBe('unclaimed');
		expect(problemFromCloseCode(4402)).toBe('claim_key');
	});
});

describe('every close code of the relay has a meaning in the app', () => {
	const relayCodes: [string, number][] = Object.entries(wire).flatMap(([name, value]) =>
		name.startsWith('CLOSE_') && typeof value === 'number' ? [[name, value]] : []
	);

	it('reads the codes from the wire module the relay sends them from', () => {
		expect(relayCodes.map(([, code]) => code)).toEqual(
			expect.arrayContaining([4401, 4402, 4403, 4413, 4503, 4507, 4529, 1001, 1003, 1008, 1009, 1011])
		);
	});

	it.each(relayCodes)('%s (%i) is mapped on purpose', (_name, code) => {
		expect(closeCodeProblems.has(code)).toBe(true);
		expect(problemFromCloseCode(code)).toBe(closeCodeProblems.get(code));
	});

	it.each(relayCodes.filter(([, code]) => code >= 4000))('the refusal %s (%i) is named to the user', (_name, code) => {
		// Its meaning agrees with the range the stock client reads: 44xx for good, 45xx for now.
		const expected = wire.isTemporaryRefusal(code)
			? ['busy', 'storage_low']
			: ['refused', 'too_large', 'unclaimed', 'claim_key'];
		expect(wire.isTemporaryRefusal(code) || wire.isFinalRefusal(code)).toBe(true);
		expect(expected).toContain(problemFromCloseCode(code));
	});

	it('maps no code the relay does not send', () => {
		const sent = new Set(relayCodes.map(([, code]) => code));
		for (const code of closeCodeProblems.keys()) expect(sent.has(code)).toBe(true);
	});
});
