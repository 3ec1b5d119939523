// The statements of the SQLite store, prepared once per connection.
import type Database from 'better-sqlite3';

export interface AccessRow {
	token_hash: string;
	readonly_token_hash: string | null;
	recovery_hash: string | null;
}
export interface UpdateRow {
	seq: number;
	data: Buffer;
}
export interface SnapshotRow {
	seq_upto: number;
	data: Buffer;
	state_vector: Buffer | null;
}

export function prepareStatements(db: Database.Database) {
	return {
		claim: db.prepare(
			`INSERT INTO rooms (id, token_hash, readonly_token_hash, recovery_hash, created_at) VALUES (?, ?, ?, ?, ?)
			 ON CONFLICT(id) DO NOTHING`
		),
		setReadonly: db.prepare(
			'UPDATE rooms SET readonly_token_hash = ? WHERE id = ? AND readonly_token_hash IS NULL'
		),
		replaceAccess: db.prepare(
			'UPDATE rooms SET token_hash = ?, readonly_token_hash = ? WHERE id = ? AND token_hash = ?'
		),
		access: db.prepare<[string], AccessRow>(
			'SELECT token_hash, readonly_token_hash, recovery_hash FROM rooms WHERE id = ?'
		),
		// Never written: no entry in the log, no snapshot, no sequence number ever taken.
		unusedRooms: db.prepare<[number], { id: string }>(
			`SELECT id FROM rooms WHERE created_at < ? AND last_seq = 0
			 AND NOT EXISTS (SELECT 1 FROM updates WHERE room_id = rooms.id)
			 AND NOT EXISTS (SELECT 1 FROM snapshots WHERE room_id = rooms.id)`
		),
		deleteUnusedRoom: db.prepare(
			`DELETE FROM rooms WHERE id = ? AND last_seq = 0
			 AND NOT EXISTS (SELECT 1 FROM updates WHERE room_id = rooms.id)
			 AND NOT EXISTS (SELECT 1 FROM snapshots WHERE room_id = rooms.id)`
		),
		snapshot: db.prepare<[string], SnapshotRow>(
			'SELECT seq_upto, data, state_vector FROM snapshots WHERE room_id = ?'
		),
		lastSeq: db.prepare<[string, string, string], { last_seq: number }>(
			`SELECT max(last_seq,
				coalesce((SELECT max(seq) FROM updates WHERE room_id = ?), 0),
				coalesce((SELECT seq_upto FROM snapshots WHERE room_id = ?), 0)) AS last_seq
			 FROM rooms WHERE id = ?`
		),
		recordLastSeq: db.prepare('UPDATE rooms SET last_seq = ? WHERE id = ? AND last_seq < ?'),
		snapshotSeq: db.prepare<[string], { seq_upto: number }>(
			'SELECT seq_upto FROM snapshots WHERE room_id = ?'
		),
		log: db.prepare<[string], UpdateRow>(
			'SELECT seq, data FROM updates WHERE room_id = ? ORDER BY seq'
		),
		insertUpdate: db.prepare(
			'INSERT INTO updates (room_id, seq, data, created_at) VALUES (?, ?, ?, ?)'
		),
		recoverUpdate: db.prepare(
			`INSERT INTO updates (room_id, seq, data, created_at)
			 SELECT id, ?, ?, ? FROM rooms WHERE id = ?
			 AND ? > coalesce((SELECT seq_upto FROM snapshots WHERE room_id = rooms.id), 0)
			 ON CONFLICT DO NOTHING`
		),
		upsertSnapshot: db.prepare(
			`INSERT INTO snapshots (room_id, seq_upto, data, created_at, state_vector) VALUES (?, ?, ?, ?, ?)
			 ON CONFLICT(room_id) DO UPDATE SET seq_upto = excluded.seq_upto, data = excluded.data,
			 created_at = excluded.created_at, state_vector = excluded.state_vector`
		),
		deleteLog: db.prepare('DELETE FROM updates WHERE room_id = ? AND seq <= ?'),
		heartbeat: db.prepare(
			`INSERT INTO meta (key, value) VALUES ('heartbeat', ?)
			 ON CONFLICT(key) DO UPDATE SET value = excluded.value`
		)
	};
}
