import { describe, expect, it } from 'vitest';
import { newId } from '../domain/core';
import {
	defaultRelayUrl,
	inviteUrl,
	newSpaceSecret,
	parseInvite,
	parseRecoveryLink,
	recoveryUrl,
	relayHttpBase
} from './invite';
import { newSpaceKeys } from './keys';

describe('invites', () => {
	const invite = {
		spaceId: newId<'space'>(),
		secret: newSpaceSecret(),
		relayUrl: 'ws://192.168.1.10:8080/sync',
		name: 'Atelier & Cie',
		access: 'member' as const
	};

	it('round-trips through a link whose secret sits in the fragment', () => {
		const link = inviteUrl('http://localhost:8080', invite);
		const url = new URL(link);
		expect(url.pathname).toBe('/join');
		expect(url.search).toBe('');
		expect(url.hash).toContain(invite.secret);
		expect(parseInvite(link)).toEqual({ ok: true, invite });
		expect(parseInvite(url.hash)).toEqual({ ok: true, invite });
	});

	it('refuses missing and malformed invites with a reason', () => {
		expect(parseInvite('')).toEqual({ ok: false, error: 'missing' });
		expect(parseInvite('http://x/join#')).toEqual({ ok: false, error: 'missing' });
		expect(parseInvite('#s=abc&k=short&r=ws://x')).toEqual({ ok: false, error: 'malformed' });
		const link = inviteUrl('http://x', invite);
		expect(parseInvite(link.replace('ws%3A', 'javascript%3A'))).toEqual({ ok: false, error: 'malformed' });
	});

	it('marks read-only invites', () => {
		const link = inviteUrl('http://x', { ...invite, access: 'read' });
		expect(parseInvite(link)).toEqual({ ok: true, invite: { ...invite, access: 'read' } });
		expect(parseInvite(link.replace('a=r', 'a=z'))).toEqual({ ok: false, error: 'malformed' });
	});

	it('points at the relay of the serving origin', () => {
		expect(defaultRelayUrl({ protocol: 'http:', host: 'localhost:8080' })).toBe('ws://localhost:8080/sync');
		expect(defaultRelayUrl({ protocol: 'https:', host: 'p.example' })).toBe('wss://p.example/sync');
		expect(relayHttpBase('wss://p.example/sync')).toBe('https://p.example');
		expect(relayHttpBase('ws://10.0.0.2:8080/sync')).toBe('http://10.0.0.2:8080');
	});

	it('carries the claim secret, the recovery hash and the claim key in member invites only', async () => {
		const keys = await newSpaceKeys();
		const member = {
			...invite,
			spaceId: keys.id as typeof invite.spaceId,
			claim: keys.claim,
			recoveryHash: keys.recoveryHash,
			claimKey: 'site-key-of-the-factory'
		};
		const link = inviteUrl('http://x', member);
		expect(new URL(link).hash).toContain(`c=${keys.claim}`);
		expect(link).not.toContain(keys.recoveryKey);
		expect(parseInvite(link)).toEqual({ ok: true, invite: member });

		const read = inviteUrl('http://x', { ...member, access: 'read' });
		expect(read).not.toContain(keys.claim);
		expect(read).not.toContain(keys.recoveryHash);
		expect(read).not.toContain('ck=');
		const { claim: _c, recoveryHash: _v, claimKey: _k, ...plain } = member;
		expect(parseInvite(read)).toEqual({ ok: true, invite: { ...plain, access: 'read' } });

		// A read-only link that carries a claim secret, or a claim secret without its hash, is not one we make.
		expect(parseInvite(`${read}&c=${keys.claim}&v=${keys.recoveryHash}`)).toEqual({ ok: false, error: 'malformed' });
		expect(parseInvite(link.replace(/&v=[0-9a-f]+/, ''))).toEqual({ ok: false, error: 'malformed' });
		expect(parseInvite(link.replace(/v=[0-9a-f]+/, 'v=NOTHEX'))).toEqual({ ok: false, error: 'malformed' });
		expect(parseInvite(link.replace(/ck=[^&]+/, 'ck=short'))).toEqual({ ok: false, error: 'malformed' });
	});

	it('round-trips a recovery link and refuses a broken one', async () => {
		const keys = await newSpaceKeys();
		const link = {
			spaceId: keys.id as typeof invite.spaceId,
			relayUrl: invite.relayUrl,
			claim: keys.claim,
			recoveryKey: keys.recoveryKey,
			name: 'Atelier & Cie'
		};
		const url = recoveryUrl('http://x', link);
		expect(new URL(url).pathname).toBe('/recover');
		expect(new URL(url).search).toBe('');
		expect(parseRecoveryLink(url)).toEqual({ ok: true, link });
		expect(parseRecoveryLink('')).toEqual({ ok: false, error: 'missing' });
		expect(parseRecoveryLink(url.replace(/k=[^&]+/, 'k=short'))).toEqual({ ok: false, error: 'malformed' });
		// The legacy ids (22 characters) have no recovery.
		expect(parseRecoveryLink(url.replace(/s=[^&]+/, `s=${newId<'space'>()}`))).toEqual({ ok: false, error: 'malformed' });
	});
});
