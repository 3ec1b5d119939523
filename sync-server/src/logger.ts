// The relay logs through this narrow interface: pino in production, a silent or
// recording logger in tests. One JSON object per line; never a token or a query string.
import pino from 'pino';

export interface Logger {
	debug(fields: object, msg: string): void;
	info(fields: object, msg: string): void;
	warn(fields: object, msg: string): void;
	error(fields: object, msg: string): void;
}

export const silentLogger: Logger = {
	debug() {},
	info() {},
	warn() {},
	error() {}
};

/** Structured JSON lines on stdout; LOG_LEVEL picks the threshold (default info). */
export function createLogger(level: string = process.env['LOG_LEVEL'] ?? 'info'): Logger {
	return pino({ level, base: { service: 'passerelle-relay' } });
}
