import { formatNumber } from "../i18n/format";
import type { Locale } from "../i18n/locales";
import type { Messages } from "../i18n/messages";
import { pageWindow } from "./page-window";
import { pageHref } from "./urls";

interface PagerProps {
  locale: Locale;
  t: Messages;
  url: URL;
  page: number;
  totalPages: number;
}

/** Numbered pagination with ellipsis and previous/next; nothing when there is one page. */
export function Pager({ locale, t, url, page, totalPages }: PagerProps) {
  if (totalPages <= 1) return null;
  // "Page 3" for screen readers, just "3" on screen: the words around the number are hidden
  // visually, so the visible text stays part of the accessible name.
  const [before = "", after = ""] = t.pagination.page.split("{page}");
  const hidden = (text: string) => (text ? <span class="sr">{text}</span> : null);
  return (
    <nav class="pager" aria-label={t.pagination.label}>
      <ol class="pages">
        {page > 1 && (
          <li>
            {/* The angle quotes are bidi-mirrored, so they point the right way in Arabic too. */}
            <a href={pageHref(url, page - 1)} rel="prev">
              <span aria-hidden="true">‹ </span>
              {t.pagination.previous}
            </a>
          </li>
        )}
        {pageWindow(page, totalPages).map((p) =>
          p === null ? (
            <li>
              <span aria-hidden="true">…</span>
            </li>
          ) : (
            <li>
              <a href={pageHref(url, p)} aria-current={p === page ? "page" : undefined}>
                {hidden(before)}
                {formatNumber(locale, p)}
                {hidden(after)}
              </a>
            </li>
          ),
        )}
        {page < totalPages && (
          <li>
            <a href={pageHref(url, page + 1)} rel="next">
              {t.pagination.next}
              <span aria-hidden="true"> ›</span>
            </a>
          </li>
        )}
      </ol>
    </nav>
  );
}
