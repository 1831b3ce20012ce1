/**
 * The advanced search form's fields written in the search query language, so the result is
 * an ordinary `/search?q=…` address that can be shared, bookmarked and edited by hand.
 */
export interface AdvancedFields {
  all?: string;
  phrase?: string;
  any?: string;
  none?: string;
}

export const ADVANCED_FIELDS = ["all", "phrase", "any", "none"] as const;

const PLAIN_WORD = /^[\p{L}\p{N}\p{M}_'’.]+$/u;
const OPERATORS = new Set(["OR", "AND", "NOT"]);

function words(text: string | undefined): string[] {
  return (text ?? "").split(/\s+/u).filter(Boolean);
}

/** A word typed into a field means itself: syntax characters and operator names get quoted. */
function literal(word: string): string | null {
  if (PLAIN_WORD.test(word) && !OPERATORS.has(word)) return word;
  const inner = word.replace(/"/g, "").trim();
  return inner ? `"${inner}"` : null;
}

export function buildQuery(fields: AdvancedFields): string {
  const parts: string[] = [];
  for (const w of words(fields.all)) {
    const term = literal(w);
    if (term) parts.push(term);
  }
  const phrase = (fields.phrase ?? "").replace(/"/g, " ").replace(/\s+/gu, " ").trim();
  if (phrase) parts.push(`"${phrase}"`);
  const alternatives = words(fields.any)
    .map(literal)
    .filter((w): w is string => w !== null);
  if (alternatives.length === 1) parts.push(alternatives[0]!);
  else if (alternatives.length > 1) parts.push(`(${alternatives.join(" OR ")})`);
  for (const w of words(fields.none)) {
    const term = literal(w);
    if (term) parts.push(`-${term}`);
  }
  return parts.join(" ");
}

const CARRIED = ["lang", "source", "from", "to"] as const;

/**
 * Where a submitted advanced form leads: the search page with the built query, or the
 * listing when only filters were chosen (there is nothing to rank without words).
 */
export function advancedTarget(url: URL, searchPath: string, listingPath: string): string {
  const q = buildQuery(Object.fromEntries(ADVANCED_FIELDS.map((f) => [f, url.searchParams.get(f) ?? ""])));
  const params = new URLSearchParams();
  if (q) params.set("q", q);
  for (const name of CARRIED) {
    for (const value of url.searchParams.getAll(name)) if (value.trim()) params.append(name, value.trim());
  }
  if (q && url.searchParams.get("sort") === "date") params.set("sort", "date");
  const query = params.toString();
  return `${q ? searchPath : listingPath}${query ? `?${query}` : ""}`;
}
