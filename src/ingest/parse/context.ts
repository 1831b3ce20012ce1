/** State shared by the format readers while one feed is parsed. */
import type { ParsedFeed, ParsedItem } from "../types";
import { isUsable } from "./item-parts";

/** What a format reader produces; parseFeed adds the format and the warnings. */
export type FeedBody = Omit<ParsedFeed, "format" | "warnings">;

/** Feed-level fields, plus the author that items without one inherit. */
export type FeedMeta = Omit<FeedBody, "items"> & { author: string | null };

export class ParseContext {
  readonly warnings: string[] = [];
  private partialKept = 0;
  private partialDropped = 0;
  private empty = 0;

  /** Whether to keep an item: complete and non-empty, or cut by truncation but identifiable. */
  keep(source: { cut: boolean }, item: ParsedItem): boolean {
    if (source.cut) {
      const ok = item.title !== null || item.url !== null;
      if (ok) this.partialKept++;
      else this.partialDropped++;
      return ok;
    }
    if (isUsable(item)) return true;
    this.empty++;
    return false;
  }

  warn(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }

  /** Item-level warnings, added once the whole feed has been read. */
  finish(): string[] {
    if (this.partialKept) this.warn("kept the item cut off by truncation (it has a title or link)");
    if (this.partialDropped) this.warn("dropped the item cut off by truncation (no title or link)");
    if (this.empty) this.warn(`skipped ${this.empty} item(s) with no title, link or content`);
    return this.warnings;
  }
}
