import { describe, expect, it } from 'vitest';
import { newId } from '../domain/ids';
import { defaultRelayUrl, inviteUrl, newSpaceSecret, parseInvite, relayHttpBase } from './invite';

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
});
