/** A booking's entry and its resource's name, as the booking writes read them. */
import * as Y from 'yjs';
import type { BookingId } from '../core/ids';
import { bookingsMap, recordedField, resourcesMap } from '../core/schema';

export function entryOf(doc: Y.Doc, id: BookingId): Y.Map<unknown> | null {
	const entry = bookingsMap(doc).get(id);
	return entry instanceof Y.Map ? entry : null;
}

export function resourceName(doc: Y.Doc, id: string): string {
	const entry = resourcesMap(doc).get(id);
	const name = entry instanceof Y.Map ? recordedField(entry, 'name') : undefined;
	return typeof name === 'string' ? name : '';
}
