import { drizzle } from "drizzle-orm/d1";
import type { Db } from "./articles";

/** The drizzle handle over the D1 binding (cheap: no connection is opened). */
export function database(d1: D1Database): Db {
  return drizzle(d1);
}

/**
 * What read queries need from D1: satisfied by the binding itself and by a D1 Sessions API
 * session (`env.DB.withSession(...)`), so reads can be routed to a nearby replica.
 */
export type D1Reader = Pick<D1Database, "prepare" | "batch">;
