// Worker entry of the corpus generator (bundled with the app's analyzer by bench/build.mjs and
// run in Miniflare next to the local D1): generating inside workerd avoids shipping every row
// from Node through the binding proxy.
import { analyzeForIndex } from "../src/search/analyze.ts";
import { sourceStatements, writeRange } from "./corpus.mjs";

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const num = (name) => Number(url.searchParams.get(name));
    if (url.pathname === "/sources") {
      await env.DB.batch(sourceStatements().map((s) => env.DB.prepare(s)));
      return Response.json({ ok: true });
    }
    if (url.pathname === "/range") {
      const started = Date.now();
      await writeRange(env.DB, { from: num("from"), to: num("to"), total: num("total"), seed: num("seed"), analyze: analyzeForIndex });
      return Response.json({ ok: true, ms: Date.now() - started });
    }
    return new Response("not found", { status: 404 });
  },
};
