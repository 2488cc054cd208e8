/** A lead status's Mantine color (the status badge; also the entry's first view of a lead). */
export const LEAD_STATUS_COLORS: Record<string, string> = {
  new: 'blue',
  contacted: 'cyan',
  qualified: 'violet',
  won: 'green',
  lost: 'red',
  archived: 'gray',
};
