import { drizzle } from "drizzle-orm/d1";
import type { Db } from "./articles";

/** The drizzle handle over the D1 binding (cheap: no connection is opened). */
export function database(d1: D1Database): Db {
  return drizzle(d1);
}
