/**
 * The device's reactive state: who the user is, which spaces it holds, and
 * the open sessions. Sessions stay open once opened, so switching between
 * collectives is instant and each keeps syncing in the background.
 */
import { version } from '$app/environment';
import type { SpaceId } from '../domain/core';
import { createSpace, joinSpace, readSpaceMeta, type SpaceInput } from '../domain/space';
import type { SampleWords } from '../domain/space/sample';
import { readIdentity, readSpaces, removeSpace, saveIdentityName, saveSpace, type Identity, type SpaceEntry } from '../sync/device';
import { defaultRelayUrl, newSpaceSecret, type Invite, type RecoveryLink } from '../sync/invite';
import { committedSpaceId, deriveRecoveryToken, newSpaceKeys, recoveryHash, relayParams } from '../sync/keys';
import { probeAccess, rotateTokens } from '../sync/relay-access';
import { answerIsFinal, settleCarriedKey, settleRotation, type RotationState } from '../sync/rotation';
import { SpaceSession } from '../sync/session';
import { archiveWhenDue } from '../sync/archive';
import { carryPublications } from '../ui/federation/carry';

/** Kept for this tab only until the person says they have kept it; never in localStorage. */
const RECOVERY_ONCE_KEY = 'passerelle:recovery-once';
/** A pending key change is settled at most this often by the connection's own events. */
const SETTLE_INTERVAL_MS = 5_000;
/** The longest wait between two attempts at settling a key change the relay has not confirmed. */
const SETTLE_MAX_DELAY_MS = 60_000;

export type RecoveryResult = RotationState | 'mismatch';

class DeviceState {
	identity = $state<Identity | null>(null);
	spaces = $state<SpaceEntry[]>([]);
	/** Recovery keys of spaces created here, until the person confirms they kept them. */
	recoveryOnce = $state<Record<string, string>>({});
	private sessions = new Map<SpaceId, SpaceSession>();
	private settling = new Map<SpaceId, Promise<RotationState>>();
	private lastSettle = new Map<SpaceId, number>();
	private settleLater = new Map<SpaceId, ReturnType<typeof setTimeout>>();
	private settleDelay = new Map<SpaceId, number>();
	private carrying = new Set<SpaceId>();
	private lastCarry = new Map<SpaceId, number>();

	constructor() {
		if (typeof localStorage === 'undefined') return;
		this.identity = readIdentity(localStorage);
		this.spaces = readSpaces(localStorage).sort((a, b) => a.name.localeCompare(b.name));
		this.recoveryOnce = readRecoveryOnce();
		// Back on a network: try every relay now rather than at the next backoff step.
		addEventListener('online', () => {
			for (const session of this.sessions.values()) {
				session.retryNow();
				if (this.entry(session.entry.id)?.pendingSecret) void this.settle(session.entry.id);
			}
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
			session = new SpaceSession(entry, this.identity, localStorage, version);
			this.sessions.set(entry.id, session);
			const { doc } = session;
			const identity = this.identity;
			// Joining only after the local copy has loaded avoids rewriting what is already there.
			// A read-only device cannot write, so it does not list itself.
			if (entry.access === 'member') {
				void session.loaded.then(() => joinSpace(doc, identity.memberId, identity.name));
			}
			// Old history moves to the space's archive, kept by a relay; a read-only device never writes it.
			// A delegate's device carries the collective's publications into its federations.
			// A sample has neither a relay nor federations.
			if (entry.access === 'member' && !entry.sample) {
				archiveWhenDue(session);
				carryPublications(session, identity);
			}
			// Only after a change: a reading may run a transaction while a view is derived, where no state may move.
			doc.on('afterTransaction', (transaction) => {
				if (transaction.changed.size > 0) this.rememberName(entry.id, readSpaceMeta(doc)?.name);
			});
			// A key change left unsettled is settled with the connection's next attempts,
			// a refusal included: the refused key may be the old one. The pending secret
			// is read from the device's memory: the session only learns the secret in use.
			const opened = session;
			session.onStatus(() => {
				const latest = this.entry(entry.id);
				if (latest?.pendingSecret) void this.settle(entry.id, true);
				if (latest?.previousSecret) {
					const { synced, problem } = opened.current;
					if (synced) {
						// Synced with the new key: the relay knows it, nothing to carry.
						const { previousSecret: _, ...carried } = latest;
						this.remember(carried);
					}
					else if (problem === 'refused') void this.carryKey(entry.id);
				}
			});
			if (entry.pendingSecret) void this.settle(entry.id);
		}
		return session;
	}

	async create(input: SpaceInput): Promise<SpaceId> {
		const identity = this.requireIdentity();
		const keys = await newSpaceKeys();
		const id = keys.id as SpaceId;
		this.remember({
			id,
			secret: newSpaceSecret(),
			access: 'member',
			relayUrl: defaultRelayUrl(location),
			name: input.name.trim(),
			addedAt: Date.now(),
			claim: keys.claim,
			recoveryHash: keys.recoveryHash
		});
		this.setRecoveryOnce({ ...this.recoveryOnce, [id]: keys.recoveryKey });
		const session = this.session(id);
		if (!session) throw new Error('space could not be opened');
		await session.loaded;
		createSpace(session.doc, input, identity.memberId);
		return id;
	}

	/**
	 * Opens a sample collective to look around in, filled with a little of
	 * everything: kept on this device only, never sent to a relay, and
	 * deleted with `forgetSample`.
	 */
	async openSample(words: SampleWords): Promise<SpaceId> {
		const identity = this.requireIdentity();
		const id = `sample-${newSpaceSecret()}` as SpaceId;
		this.remember({ id, secret: newSpaceSecret(), access: 'member', relayUrl: '', name: words.collective, addedAt: Date.now(), sample: true });
		const session = this.session(id);
		if (!session) throw new Error('sample could not be opened');
		// Loaded when asked for: filling it touches every part of the domain, which the first visit does without.
		const [{ seedSample }] = await Promise.all([import('../domain/space/sample'), session.loaded]);
		seedSample(session.doc, identity.memberId, identity.name, words);
		return id;
	}

	/** Deletes a sample collective from this device: its entry, its open session and its local copy. */
	async forgetSample(id: SpaceId): Promise<void> {
		if (!this.entry(id)?.sample) return;
		const session = this.sessions.get(id);
		this.sessions.delete(id);
		session?.destroy();
		this.spaces = removeSpace(localStorage, id).sort((a, b) => a.name.localeCompare(b.name));
		localStorage.removeItem(`passerelle:pending:${id}`);
		await new Promise<void>((done) => {
			const request = indexedDB.deleteDatabase(`passerelle:${id}`);
			// Blocked or refused, the copy is left behind unlisted: it is a sample, nothing is lost.
			request.onsuccess = request.onerror = request.onblocked = () => done();
		});
	}

	join(invite: Invite): SpaceId {
		this.requireIdentity();
		const known = this.entry(invite.spaceId);
		// A member who opens a read-only link keeps their member access.
		if (known?.access === 'member' && invite.access === 'read') return invite.spaceId;
		const member = invite.access === 'member';
		const claim = member ? (invite.claim ?? known?.claim) : undefined;
		const hash = member ? (invite.recoveryHash ?? known?.recoveryHash) : undefined;
		const claimKey = invite.claimKey ?? known?.claimKey;
		// A member's fresh invite with another key: the key was changed elsewhere (in town, while
		// this device syncs with a site relay). The device stays on its relay and, should that
		// relay refuse the new key, changes it there with the one it replaces.
		const changedElsewhere = known?.access === 'member' && member && known.secret !== invite.secret;
		const previousSecret = changedElsewhere ? (known.previousSecret ?? known.secret) : undefined;
		const entry: SpaceEntry = {
			id: invite.spaceId,
			secret: invite.secret,
			access: invite.access,
			relayUrl: changedElsewhere ? known.relayUrl : invite.relayUrl,
			...(previousSecret ? { previousSecret } : {}),
			name: known?.name || invite.name,
			addedAt: known?.addedAt ?? Date.now(),
			...(claim && hash ? { claim, recoveryHash: hash } : {}),
			...(claimKey ? { claimKey } : {})
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
	 * The new secret is saved before it is sent, so that a lost answer never
	 * loses it (see rotation.ts); a change still pending is retried as it was.
	 */
	async rotate(id: SpaceId): Promise<RotationState> {
		const entry = this.entry(id);
		if (!entry || entry.access !== 'member') return 'refused';
		if (!entry.pendingSecret) this.remember({ ...entry, pendingSecret: newSpaceSecret() });
		return this.settle(id);
	}

	/** Sends a pending key change again (the same one) and follows what the relay knows. */
	settle(id: SpaceId, throttled = false): Promise<RotationState> {
		const running = this.settling.get(id);
		if (running) return running;
		const wait = SETTLE_INTERVAL_MS - (Date.now() - (this.lastSettle.get(id) ?? 0));
		if (throttled && wait > 0) {
			// Too soon after the last attempt: try once more when the interval is over, since
			// the event that asked (a refusal) may be the last one the connection sends.
			this.settleAfter(id, wait);
			return Promise.resolve('waiting');
		}
		this.lastSettle.set(id, Date.now());
		const attempt = this.sendPending(id).finally(() => this.settling.delete(id));
		this.settling.set(id, attempt);
		void attempt.then((state) => {
			// A connection closed for good (the relay closes the old key's sockets) sends no
			// more events: while the outcome is unknown, ask again, less and less often.
			const delay = state === 'waiting' ? Math.min((this.settleDelay.get(id) ?? SETTLE_INTERVAL_MS / 2) * 2, SETTLE_MAX_DELAY_MS) : 0;
			if (delay > 0) {
				this.settleDelay.set(id, delay);
				this.settleAfter(id, delay);
			} else this.settleDelay.delete(id);
		});
		return attempt;
	}

	private settleAfter(id: SpaceId, wait: number): void {
		if (this.settleLater.has(id)) return;
		this.settleLater.set(
			id,
			setTimeout(() => {
				this.settleLater.delete(id);
				if (this.entry(id)?.pendingSecret) void this.settle(id);
			}, wait)
		);
	}

	private async sendPending(id: SpaceId): Promise<RotationState> {
		const entry = this.entry(id);
		if (!entry?.pendingSecret) return 'done';
		const current = await relayParams(entry.secret, id, 'member');
		const next = await relayParams(entry.pendingSecret, id, 'member');
		const answer = await rotateTokens(entry.relayUrl, id, current.token, next);
		const probes = answerIsFinal(answer)
			? { next: null, current: null }
			: {
					next: await probeAccess(entry.relayUrl, id, next.token),
					current: await probeAccess(entry.relayUrl, id, current.token)
				};
		// The entry may have changed meanwhile (a rename): settle the latest one.
		const latest = this.entry(id);
		if (!latest || latest.pendingSecret !== entry.pendingSecret) return 'waiting';
		const step = settleRotation(latest, answer, probes);
		this.remember(step.entry);
		if (step.entry.secret !== latest.secret) this.sessions.get(id)?.replaceEntry(step.entry);
		return step.state;
	}

	/**
	 * Changes the key on this device's relay to the one a fresh invite brought, with the
	 * key it replaces (see SpaceEntry.previousSecret); the relay, if it is a site relay,
	 * replays the change on the internet's. At most one attempt at a time, and one a
	 * settle interval.
	 */
	private async carryKey(id: SpaceId): Promise<void> {
		if (this.carrying.has(id) || Date.now() - (this.lastCarry.get(id) ?? 0) < SETTLE_INTERVAL_MS) return;
		this.carrying.add(id);
		this.lastCarry.set(id, Date.now());
		try {
			const entry = this.entry(id);
			if (!entry?.previousSecret || entry.access !== 'member') return;
			const previous = await relayParams(entry.previousSecret, id, 'member');
			const next = await relayParams(entry.secret, id, 'member');
			const answer = await rotateTokens(entry.relayUrl, id, previous.token, next);
			const probes = answerIsFinal(answer)
				? { next: null, current: null }
				: { next: await probeAccess(entry.relayUrl, id, next.token), current: await probeAccess(entry.relayUrl, id, previous.token) };
			const latest = this.entry(id);
			if (!latest || latest.previousSecret !== entry.previousSecret || latest.secret !== entry.secret) return;
			const step = settleCarriedKey(latest, answer, probes);
			this.remember(step.entry);
			// The relay knows the new key now: connect again with it at once.
			if (step.state === 'done') this.sessions.get(id)?.replaceEntry(step.entry);
			else if (step.state === 'waiting') setTimeout(() => void this.carryKey(id), SETTLE_INTERVAL_MS);
		} finally {
			this.carrying.delete(id);
		}
	}

	/**
	 * Takes a space back with its recovery key: whoever changed its key (a lost
	 * phone) is cut off, and this device becomes a member with `secret`, a new
	 * secret the caller keeps so that a retry sends the same one.
	 */
	async recover(link: RecoveryLink, secret: string): Promise<RecoveryResult> {
		this.requireIdentity();
		const token = await deriveRecoveryToken(link.recoveryKey);
		const hash = await recoveryHash(token);
		if ((await committedSpaceId(link.claim, hash)) !== link.spaceId) return 'mismatch';
		const id = link.spaceId;
		const next = await relayParams(secret, id, 'member');
		const answer = await rotateTokens(link.relayUrl, id, token, next);
		let taken = answerIsFinal(answer);
		if (!taken) {
			const verdict = await probeAccess(link.relayUrl, id, next.token);
			// A relay that lost the space lets the claim secret open it again, with the new key.
			taken = verdict === 'member' || verdict === 'unclaimed';
			if (!taken) return answer === 'refused' && verdict === 'refused' ? 'refused' : 'waiting';
		}
		const known = this.entry(id);
		const entry: SpaceEntry = {
			id,
			secret,
			access: 'member',
			relayUrl: link.relayUrl,
			name: known?.name || link.name,
			addedAt: known?.addedAt ?? Date.now(),
			claim: link.claim,
			recoveryHash: hash,
			...(known?.claimKey ? { claimKey: known.claimKey } : {})
		};
		this.remember(entry);
		const open = this.sessions.get(id);
		if (open) open.replaceEntry(entry);
		else this.session(id);
		return 'done';
	}

	/** The key a site relay asks before it opens a new space; sent with every later attempt. */
	setClaimKey(id: SpaceId, claimKey: string): void {
		const entry = this.entry(id);
		if (!entry) return;
		const next = { ...entry, claimKey };
		this.remember(next);
		this.sessions.get(id)?.replaceEntry(next);
	}

	/** The person has kept the recovery key: it leaves this device. */
	forgetRecoveryKey(id: SpaceId): void {
		const { [id]: _, ...rest } = this.recoveryOnce;
		this.setRecoveryOnce(rest);
	}

	private setRecoveryOnce(keys: Record<string, string>): void {
		this.recoveryOnce = keys;
		try {
			if (Object.keys(keys).length === 0) sessionStorage.removeItem(RECOVERY_ONCE_KEY);
			else sessionStorage.setItem(RECOVERY_ONCE_KEY, JSON.stringify(keys));
		} catch {
			// Without session storage the key is only shown until the page is left.
		}
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

function readRecoveryOnce(): Record<string, string> {
	try {
		const raw: unknown = JSON.parse(sessionStorage.getItem(RECOVERY_ONCE_KEY) ?? '{}');
		if (typeof raw !== 'object' || raw === null) return {};
		return Object.fromEntries(
			Object.entries(raw).filter((pair): pair is [string, string] => typeof pair[1] === 'string' && /^[A-Za-z0-9_-]{43}$/.test(pair[1]))
		);
	} catch {
		return {};
	}
}
