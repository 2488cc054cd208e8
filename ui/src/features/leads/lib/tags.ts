/**
 * A lead's tags, checked in the browser to the server's limits (see
 * `domain::text::tags`): each trimmed, one line, 1 to 40 characters, at most
 * 20 per lead, no repeats. The server still decides.
 */
export const TAG_MAX_LENGTH = 40;
export const TAGS_MAX = 20;

export type TagProblem = 'empty' | 'tooLong' | 'invalidChars' | 'duplicate' | 'tooMany';

/** Characters as the server counts them (Unicode scalar values, not UTF-16 units). */
export const tagLength = (tag: string): number => [...tag].length;

// Control characters (a tag is one line of text).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Adds `input` to `tags`: the new list, or why it cannot be added. */
export function addTag(tags: readonly string[], input: string): { tags: string[] } | { problem: TagProblem } {
  const tag = input.trim();
  if (!tag) return { problem: 'empty' };
  if (CONTROL.test(tag)) return { problem: 'invalidChars' };
  if (tagLength(tag) > TAG_MAX_LENGTH) return { problem: 'tooLong' };
  if (tags.includes(tag)) return { problem: 'duplicate' };
  if (tags.length >= TAGS_MAX) return { problem: 'tooMany' };
  return { tags: [...tags, tag] };
}

export function removeTag(tags: readonly string[], tag: string): string[] {
  return tags.filter((t) => t !== tag);
}
