// Tokens a site relay keeps to reach its upstream, sealed at rest: AES-256-GCM under a key
// file of the relay's own (mode 0600, made on first use). A copy of the links file alone
// gives nobody a token; the key file and the data directory together do, as the database
// does for the documents.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const KEY_FILE = 'upstream.key';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SealedBox {
	private constructor(private readonly key: Buffer) {}

	/** Opens the key file of `dataDir`, creating it (32 random bytes, 0600) if there is none. */
	static open(dataDir: string): SealedBox {
		const file = path.join(dataDir, KEY_FILE);
		fs.mkdirSync(dataDir, { recursive: true });
		try {
			fs.writeFileSync(file, randomBytes(32), { mode: 0o600, flag: 'wx' });
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}
		// Tightened even if an operator copied it in with looser rights.
		fs.chmodSync(file, 0o600);
		const key = fs.readFileSync(file);
		if (key.byteLength !== 32) throw new Error(`${file} must hold 32 bytes; move it away to make a new one (links must then be enabled again)`);
		return new SealedBox(key);
	}

	seal(text: string): string {
		const iv = randomBytes(IV_BYTES);
		const cipher = createCipheriv('aes-256-gcm', this.key, iv);
		const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
		return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
	}

	/** The text sealed, or null when it was sealed under another key or damaged. */
	open(sealed: string): string | null {
		const bytes = Buffer.from(sealed, 'base64url');
		if (bytes.byteLength < IV_BYTES + TAG_BYTES) return null;
		try {
			const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, IV_BYTES));
			decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
			return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
		} catch {
			return null;
		}
	}
}
