// The tables of the SQLite store, and how a file written by an earlier relay is brought up
// to them. Version history (PRAGMA user_version):
//   1  rooms, the update log, snapshots, meta
//   2  snapshots carry their state vector
//   3  the update log is clustered on (room, seq) (WITHOUT ROWID): an append writes one
//      b-tree page instead of a table page and an index page; rooms.last_seq is no
//      longer kept up to date on every append (see lastSeq in sqlite-storage.ts)
//   4  rooms.recovery_hash: the hash of the recovery token the room id commits to
import type Database from 'better-sqlite3';

export const SCHEMA_VERSION = 4;

const UPDATES_TABLE = (name: string) => `
CREATE TABLE IF NOT EXISTS ${name} (
	room_id TEXT NOT NULL REFERENCES rooms(id),
	seq INTEGER NOT NULL,
	data BLOB NOT NULL,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (room_id, seq)
) WITHOUT ROWID;`;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS rooms (
	id TEXT PRIMARY KEY,
	token_hash TEXT NOT NULL,
	readonly_token_hash TEXT,
	recovery_hash TEXT,
	-- Sequence numbers up to here are taken; the log and the snapshot may reach further.
	last_seq INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL
);
${UPDATES_TABLE('updates')}
CREATE TABLE IF NOT EXISTS snapshots (
	room_id TEXT PRIMARY KEY REFERENCES rooms(id),
	seq_upto INTEGER NOT NULL,
	data BLOB NOT NULL,
	created_at INTEGER NOT NULL,
	state_vector BLOB
);
CREATE TABLE IF NOT EXISTS meta (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
`;

/** Creates the tables of a new file, or brings an older file up to this version. */
export function prepareSchema(db: Database.Database): void {
	db.transaction(() => {
		db.exec(SCHEMA);
		migrate(db);
		db.pragma(`user_version = ${SCHEMA_VERSION}`);
	}).immediate();
}

function migrate(db: Database.Database): void {
	const roomColumns = db.prepare<[], { name: string }>('PRAGMA table_info(rooms)').all();
	if (!roomColumns.some((column) => column.name === 'recovery_hash')) {
		// Rooms claimed before have none: they are recovered by no one, as before.
		db.exec('ALTER TABLE rooms ADD COLUMN recovery_hash TEXT');
	}
	const columns = db.prepare<[], { name: string }>('PRAGMA table_info(snapshots)').all();
	if (!columns.some((column) => column.name === 'state_vector')) {
		// Snapshots written before have none: their rooms load with a merge, as they did.
		db.exec('ALTER TABLE snapshots ADD COLUMN state_vector BLOB');
	}
	const updates = db
		.prepare<[], { sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'updates'")
		.get();
	if (updates !== undefined && !/WITHOUT\s+ROWID/i.test(updates.sql)) {
		// The log moves to the clustered table, every row as it was, in the same transaction.
		db.exec(`
			${UPDATES_TABLE('updates_clustered')}
			INSERT INTO updates_clustered (room_id, seq, data, created_at)
				SELECT room_id, seq, data, created_at FROM updates;
			DROP TABLE updates;
			ALTER TABLE updates_clustered RENAME TO updates;
		`);
	}
}
