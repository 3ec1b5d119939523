// What the relay and the app say to each other over a WebSocket, named once: the
// subprotocols that carry a device's credentials, the message types of the frames, and
// the close codes (PROTOCOL.md describes them for client authors). The app imports this
// file too, so it imports nothing itself: no Node, no browser, no library.

/** The subprotocol the relay answers when a client carries its credentials in the header. */
export const SYNC_PROTOCOL = 'passerelle.2';
/** Each credential is one more subprotocol: its prefix, then its value. */
export const CREDENTIAL_PREFIX = {
	token: 't.',
	readToken: 'r.',
	claim: 'c.',
	recoveryHash: 'v.',
	claimKey: 'k.'
} as const;
/** Offered by a client that wants the relay's "stored" messages. */
export const ACK_PROTOCOL = 'ack';

// Message types: the first number of every frame, as in y-websocket.
export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_QUERY_AWARENESS = 3;
/** Our opt-in extension: "the relay has stored everything below this state vector". */
export const MESSAGE_STORED = 8;

// Sync message subtypes: the second number of a MESSAGE_SYNC frame.
export const SYNC_STEP1 = 0;
export const SYNC_STEP2 = 1;
export const SYNC_UPDATE = 2;

// Close codes. The stock y-websocket client stops reconnecting on 4400–4499 and retries
// on every other code, with backoff. So a decision that a retry cannot change (the token
// was rotated, the room is full) is in 44xx, like HTTP 4xx, and a "not now" (too fast,
// too busy) is in 45xx: the client comes back by itself a moment later. Every CLOSE_
// constant here is a code the relay (or its WebSocket library) sends.

export const CLOSE_GOING_AWAY = 1001;
/** Unreadable frame: text, truncated, unknown type, malformed awareness. */
export const CLOSE_UNSUPPORTED_DATA = 1003;
/** Readable envelope with refused content: an invalid Yjs update or state vector. */
export const CLOSE_POLICY_VIOLATION = 1008;
/** Sent by the ws library itself for a frame above maxPayload. */
export const CLOSE_MESSAGE_TOO_BIG = 1009;
export const CLOSE_INTERNAL_ERROR = 1011;

/**
 * A room nobody holds, and this connection may not claim it: it lacks the member and read
 * tokens, or the claim secret the room id commits to. A member device can claim it later.
 */
export const CLOSE_CLAIM_REFUSED = 4401;
/** A room nobody holds, on a relay that wants its claim key for every new room. */
export const CLOSE_CLAIM_KEY_REQUIRED = 4402;
/** The token this connection was opened with has been replaced. */
export const CLOSE_TOKEN_ROTATED = 4403;
/** The update would make the room's document larger than the relay allows. */
export const CLOSE_ROOM_TOO_LARGE = 4413;

/** The relay holds as many rooms in memory as it may; try again later. */
export const CLOSE_RELAY_BUSY = 4503;
/**
 * The relay's disk is below its free-space floor: no new room and no update is taken
 * until space is freed; reads go on. The stock client retries later.
 */
export const CLOSE_STORAGE_LOW = 4507;
/**
 * Too many messages on this connection, too many connections from one address, or too
 * many new rooms from one address in the last hour (reason says which).
 */
export const CLOSE_RATE_LIMITED = 4529;

/** A relay's decision that a retry cannot change (44xx), including codes a newer relay adds. */
export const isFinalRefusal = (code: number): boolean => code >= 4400 && code < 4500;
/** A relay's "not now" (45xx): the client comes back later by itself. */
export const isTemporaryRefusal = (code: number): boolean => code >= 4500 && code < 4600;
