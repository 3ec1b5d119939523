/**
 * The device's reactive state: who the user is, which spaces it holds, and
 * the open sessions. Sessions stay open once opened, so switching between
 * collectives is instant and each keeps syncing in the background.
 */
import { newId, type SpaceId } from '../domain/ids';
import { createSpace, joinSpace, readSpaceMeta, type SpaceInput } from '../domain/space';
import { readIdentity, readSpaces, saveIdentityName, saveSpace, type Identity, type SpaceEntry } from '../sync/device';
import { defaultRelayUrl, newSpaceSecret, type Invite } from '../sync/invite';
import { relayParams } from '../sync/keys';
import { rotateTokens, type RotationResult } from '../sync/relay-access';
import { SpaceSession } from '../sync/session';

class DeviceState {
	identity = $state<Identity | null>(null);
	spaces = $state<SpaceEntry[]>([]);
	private sessions = new Map<SpaceId, SpaceSession>();

	constructor() {
		if (typeof localStorage === 'undefined') return;
		this.identity = readIdentity(localStorage);
		this.spaces = readSpaces(localStorage).sort((a, b) => a.name.localeCompare(b.name));
		// Back on a network: try every relay now rather than at the next backoff step.
		addEventListener('online', () => {
			for (const session of this.sessions.values()) session.retryNow();
		});
	}

	setName(name: string): Identity {
		const identity = saveIdentityName(localStorage, name);
		this.identity = identity;
		for (const session of this.sessions.values()) {
			session.setIdentity(identity);
			joinSpace(session.doc, identity.memberId, identity.name);
		}
		return identity;
	}

	entry(id: string): SpaceEntry | undefined {
		return this.spaces.find((s) => s.id === id);
	}

	/** The open session of a space this device holds, opening it on first use. */
	session(id: string): SpaceSession | null {
		const entry = this.entry(id);
		if (!entry || !this.identity) return null;
		let session = this.sessions.get(entry.id);
		if (!session) {
			session = new SpaceSession(entry, this.identity);
			this.sessions.set(entry.id, session);
			const { doc } = session;
			const identity = this.identity;
			// Joining only after the local copy has loaded avoids rewriting what is already there.
			// A read-only device cannot write, so it does not list itself.
			if (entry.access === 'member') {
				void session.loaded.then(() => joinSpace(doc, identity.memberId, identity.name));
			}
			doc.on('update', () => this.rememberName(entry.id, readSpaceMeta(doc)?.name));
		}
		return session;
	}

	async create(input: SpaceInput): Promise<SpaceId> {
		const identity = this.requireIdentity();
		const id = newId<'space'>();
		this.remember({
			id,
			secret: newSpaceSecret(),
			access: 'member',
			relayUrl: defaultRelayUrl(location),
			name: input.name.trim(),
			addedAt: Date.now()
		});
		const session = this.session(id);
		if (!session) throw new Error('space could not be opened');
		await session.loaded;
		createSpace(session.doc, input, identity.memberId);
		return id;
	}

	join(invite: Invite): SpaceId {
		this.requireIdentity();
		const known = this.entry(invite.spaceId);
		// A member who opens a read-only link keeps their member access.
		if (known?.access === 'member' && invite.access === 'read') return invite.spaceId;
		const entry: SpaceEntry = {
			id: invite.spaceId,
			secret: invite.secret,
			access: invite.access,
			relayUrl: invite.relayUrl,
			name: known?.name || invite.name,
			addedAt: known?.addedAt ?? Date.now()
		};
		this.remember(entry);
		const open = this.sessions.get(entry.id);
		if (open && open.entry.secret !== entry.secret) open.replaceEntry(entry);
		this.session(invite.spaceId);
		return invite.spaceId;
	}

	/**
	 * After a lost phone: a new secret for the space. The relay then refuses the
	 * old one and closes its connections; members carry on with a new invite link.
	 * Needs the relay, so it fails cleanly offline.
	 */
	async rotate(id: SpaceId): Promise<RotationResult> {
		const entry = this.entry(id);
		if (!entry || entry.access !== 'member') return { ok: false, reason: 'refused' };
		const secret = newSpaceSecret();
		const result = await rotateTokens(
			entry.relayUrl,
			entry.id,
			await relayParams(entry.secret, entry.id, 'member'),
			await relayParams(secret, entry.id, 'member')
		);
		if (!result.ok) return result;
		const next = { ...entry, secret };
		this.remember(next);
		this.sessions.get(id)?.replaceEntry(next);
		return result;
	}

	private remember(entry: SpaceEntry): void {
		this.spaces = saveSpace(localStorage, entry).sort((a, b) => a.name.localeCompare(b.name));
	}

	private rememberName(id: SpaceId, name: string | undefined): void {
		const entry = this.entry(id);
		if (entry && name && entry.name !== name) this.remember({ ...entry, name });
	}

	private requireIdentity(): Identity {
		if (!this.identity) throw new Error('choose a name first');
		return this.identity;
	}
}

export const device = new DeviceState();
