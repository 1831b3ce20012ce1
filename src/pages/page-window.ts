/**
 * Which page numbers a pager shows: the first, the last, the current one with its
 * neighbours, and at least three at either end (`1 2 3 … 16`). `null` is an ellipsis; a gap
 * of a single page shows that page instead, since "…" would hide nothing.
 */
export function pageWindow(current: number, total: number): (number | null)[] {
  if (total <= 1) return [1];
  const shown = new Set<number>([1, total, current - 1, current, current + 1]);
  if (current <= 3) for (let p = 1; p <= 3; p++) shown.add(p);
  if (current >= total - 2) for (let p = total - 2; p <= total; p++) shown.add(p);
  const pages = [...shown].filter((p) => p >= 1 && p <= total).sort((a, b) => a - b);
  const out: (number | null)[] = [];
  let previous = 0;
  for (const page of pages) {
    if (page - previous === 2) out.push(previous + 1);
    else if (page - previous > 2) out.push(null);
    out.push(page);
    previous = page;
  }
  return out;
}
