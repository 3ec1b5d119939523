import { describe, expect, it } from 'vitest';
import { problemFromCloseCode, relayProtocols } from './relay-access';

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
