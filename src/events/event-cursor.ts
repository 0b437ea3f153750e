import { ValidationError } from '../domain/errors.js';

/**
 * Cursors are base64url of `<store tag>:<position>`. The tag keeps a cursor of one store from being
 * read as a position of another; the position is the store's own order (SQLite row id, stream id).
 */
export function encodeCursor(tag: string, position: string): string {
  return Buffer.from(`${tag}:${position}`, 'utf8').toString('base64url');
}

/** Returns the position, or throws ValidationError when the text is not a cursor of this store. */
export function decodeCursor(tag: string, cursor: string, pattern: RegExp): string {
  const malformed = new ValidationError('Malformed cursor', 'after');
  if (cursor.length === 0 || cursor.length > 128 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw malformed;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const prefix = `${tag}:`;
  if (!text.startsWith(prefix)) throw malformed;
  const position = text.slice(prefix.length);
  if (!pattern.test(position)) throw malformed;
  // base64url decoding ignores stray characters: only the canonical spelling is a cursor.
  if (encodeCursor(tag, position) !== cursor) throw malformed;
  return position;
}
