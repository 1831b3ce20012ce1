import * as z from "zod/mini";
import { listingQuery } from "../http/params";

// What a feed accepts; its documentation is contract.ts.

const { lang, source, from, to } = listingQuery.shape;

/** A feed takes the listing's filters (its first page only, 30 items by default) or a saved search. */
export const feedQuery = z.object({
  lang,
  source,
  from,
  to,
  per_page: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 30),
  q: z.optional(z.string().check(z.minLength(1), z.maxLength(500))),
});
