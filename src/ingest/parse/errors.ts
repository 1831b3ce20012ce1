export type FeedParseErrorCode = "unrecognized_format" | "no_items_recoverable" | "invalid_json";

/** Thrown by parseFeed only when nothing usable can be read from the body. */
export class FeedParseError extends Error {
  override readonly name = "FeedParseError";

  constructor(
    readonly code: FeedParseErrorCode,
    message: string,
  ) {
    super(message);
  }
}
