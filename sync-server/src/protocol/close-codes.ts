// Close codes the relay sends (PROTOCOL.md lists them for client authors).
//
// The stock y-websocket client stops reconnecting on 4400–4499 and retries on every other
// code, with backoff. So a decision that a retry cannot change (the token was rotated,
// the room is full) is in 44xx, like HTTP 4xx, and a "not now" (too fast, too busy) is in
// 45xx: the client comes back by itself a moment later.

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

/**
 * Too many messages on this connection, too many connections from one address, or too
 * many new rooms from one address in the last hour (reason says which).
 */
export const CLOSE_RATE_LIMITED = 4529;
/** The relay holds as many rooms in memory as it may; try again later. */
export const CLOSE_RELAY_BUSY = 4503;
/**
 * The relay's disk is below its free-space floor: no new room and no update is taken
 * until space is freed; reads go on. The stock client retries later.
 */
export const CLOSE_STORAGE_LOW = 4507;
