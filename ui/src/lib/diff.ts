/**
 * A small line diff (LCS) for prompt revisions. Prompts are short; inputs
 * beyond MAX_CELLS fall back to "all removed, all added".
 */
export type DiffLine = { type: 'same' | 'add' | 'del'; text: string };

const MAX_CELLS = 4_000_000;

export function diffLines(before: string, after: string): DiffLine[] {
  const a = before === '' ? [] : before.split('\n');
  const b = after === '' ? [] : after.split('\n');
  // Trim the common head and tail so the table stays small.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const head: DiffLine[] = a.slice(0, start).map((text) => ({ type: 'same', text }));
  const tail: DiffLine[] = a.slice(endA).map((text) => ({ type: 'same', text }));
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const n = midA.length;
  const m = midB.length;

  if (n * m > MAX_CELLS) {
    return [
      ...head,
      ...midA.map((text): DiffLine => ({ type: 'del', text })),
      ...midB.map((text): DiffLine => ({ type: 'add', text })),
      ...tail,
    ];
  }
  // lcs[i][j] = LCS length of midA[i:] and midB[j:]
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    const row = lcs[i]!;
    const next = lcs[i + 1]!;
    for (let j = m - 1; j >= 0; j--) {
      row[j] = midA[i] === midB[j] ? next[j + 1]! + 1 : Math.max(next[j]!, row[j + 1]!);
    }
  }
  const mid: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (midA[i] === midB[j]) {
      mid.push({ type: 'same', text: midA[i]! });
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) {
      mid.push({ type: 'del', text: midA[i]! });
      i++;
    } else {
      mid.push({ type: 'add', text: midB[j]! });
      j++;
    }
  }
  while (i < n) mid.push({ type: 'del', text: midA[i++]! });
  while (j < m) mid.push({ type: 'add', text: midB[j++]! });
  return [...head, ...mid, ...tail];
}

export function hasChanges(lines: DiffLine[]): boolean {
  return lines.some((l) => l.type !== 'same');
}
