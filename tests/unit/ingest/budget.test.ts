import { describe, expect, it } from "vitest";
import { Budget } from "../../../src/ingest/budget";

describe("the budget of one invocation", () => {
  it("starts no source that could outlast the wall time at its fetch timeout", () => {
    let now = 0;
    const budget = new Budget({ wallMs: 60_000, queries: 800 }, 0, 20_000, () => now);
    expect(budget.canStart(0)).toBe(true);
    now = 40_000;
    expect(budget.canStart(0)).toBe(true);
    now = 40_001;
    expect(budget.canStart(0)).toBe(false);
  });

  it("keeps room for the queries of the sources still working", () => {
    const budget = new Budget({ wallMs: 60_000, queries: 100 }, 0, 1_000, () => 0);
    budget.spend(60);
    expect(budget.canStart(0)).toBe(true);
    expect(budget.canStart(3)).toBe(false);
    budget.spend(30);
    expect(budget.canStart(0)).toBe(false);
    expect(budget.queriesUsed).toBe(90);
  });
});
