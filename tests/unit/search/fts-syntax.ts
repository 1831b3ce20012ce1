/**
 * A strict checker for the FTS5 subset the query parser may emit: quoted phrases (optionally
 * `*`, joined by `+`), AND / OR / NOT, parentheses and `title : ( … )`. Anything else —
 * barewords, NEAR, `^`, empty phrases, stray punctuation — is rejected.
 */
type Tok = { k: "str"; v: string } | { k: "op"; v: string };

function lex(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i] as string;
    if (c === " ") {
      i++;
    } else if (c === '"') {
      let v = "";
      i++;
      for (;;) {
        if (i >= s.length) throw new Error(`unterminated string in ${s}`);
        if (s[i] === '"') {
          if (s[i + 1] === '"') {
            v += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += s[i];
        i++;
      }
      out.push({ k: "str", v });
    } else if ("*+():".includes(c)) {
      out.push({ k: "op", v: c });
      i++;
    } else {
      const m = /^(AND|OR|NOT|title)(?![A-Za-z])/.exec(s.slice(i));
      if (!m) throw new Error(`unexpected ${JSON.stringify(s.slice(i, i + 8))} in ${s}`);
      out.push({ k: "op", v: m[1] as string });
      i += (m[1] as string).length;
    }
  }
  return out;
}

/** Throws unless `expr` is a well-formed expression of the allowed subset. */
export function assertSafeFts(expr: string): void {
  const toks = lex(expr);
  let p = 0;
  const peek = (v: string) => toks[p]?.k === "op" && toks[p]?.v === v;
  const expect = (v: string) => {
    if (!peek(v)) throw new Error(`expected ${v} at ${p} in ${expr}`);
    p++;
  };
  const phrase = (): void => {
    for (;;) {
      const t = toks[p];
      if (t?.k !== "str") throw new Error(`expected a phrase at ${p} in ${expr}`);
      if (!/[\p{L}\p{N}]/u.test(t.v)) throw new Error(`empty phrase in ${expr}`);
      p++;
      if (peek("*")) p++;
      if (!peek("+")) return;
      p++;
    }
  };
  const primary = (): void => {
    if (peek("(")) {
      p++;
      or();
      expect(")");
    } else if (peek("title")) {
      p++;
      expect(":");
      expect("(");
      or();
      expect(")");
    } else phrase();
  };
  const not = (): void => {
    primary();
    while (peek("NOT")) {
      p++;
      primary();
    }
  };
  const and = (): void => {
    not();
    while (peek("AND")) {
      p++;
      not();
    }
  };
  const or = (): void => {
    and();
    while (peek("OR")) {
      p++;
      and();
    }
  };
  or();
  if (p !== toks.length) throw new Error(`trailing input at ${p} in ${expr}`);
}
