import { raw } from "hono/html";
import type { ArticleDetail } from "../domain";
import { endonym, formatDate } from "../i18n/format";
import { localeDir, type Locale } from "../i18n/locales";
import type { Messages } from "../i18n/messages";
import { contentLang } from "./article-list";
import { withSlot } from "./slot";
import { defaultAlternate, type Alternate } from "./story-group";
import { homePath } from "./urls";

const OG_LOCALES: Record<string, string> = { en: "en_US", fr: "fr_FR", es: "es_ES", ru: "ru_RU", ar: "ar_AR", zh: "zh_CN", ko: "ko_KR" };
const ogLocale = (language: string) => OG_LOCALES[language] ?? language;

interface HeadProps {
  t: Messages;
  article: ArticleDetail;
  canonical: string;
  /** The story's language versions (Open Graph locales). */
  alternates: Alternate[];
  /** The story's hreflang set (story-group.ts `hreflangSet`), the one the sitemaps list too. */
  hreflang: Alternate[];
}

/** Canonical, reciprocal hreflang alternates (with x-default) and Open Graph tags. */
export function DetailHead({ t, article, canonical, alternates, hreflang }: HeadProps) {
  return (
    <>
      <link rel="canonical" href={canonical} />
      {hreflang.map((a) => (
        <link rel="alternate" hreflang={a.language} href={a.href} />
      ))}
      <link rel="alternate" hreflang="x-default" href={defaultAlternate(hreflang)} />
      <meta property="og:type" content="article" />
      <meta property="og:site_name" content={t.site.name} />
      <meta property="og:title" content={article.title} />
      <meta property="og:description" content={article.summary} />
      <meta property="og:url" content={canonical} />
      <meta property="og:locale" content={ogLocale(article.language)} />
      {alternates
        .filter((a) => a.language !== article.language)
        .map((a) => (
          <meta property="og:locale:alternate" content={ogLocale(a.language)} />
        ))}
      {article.image && <meta property="og:image" content={article.image} />}
      <meta property="article:published_time" content={article.published_at} />
    </>
  );
}

interface DetailProps {
  locale: Locale;
  t: Messages;
  article: ArticleDetail;
  alternates: Alternate[];
}

/** `/{locale}/news/{id}/{slug}`: one article, its source, and its other language versions. */
export function DetailPage({ locale, t, article, alternates }: DetailProps) {
  const content = contentLang(locale, article.language);
  // UI strings inside a foreign-language article get the UI language back.
  const ui = "lang" in content ? { lang: locale, dir: localeDir(locale) } : {};
  const others = alternates.filter((a) => a.language !== article.language);
  return (
    <>
      <article {...content}>
        <h1>{article.title}</h1>
        <p class="meta" {...ui}>
          {withSlot(t.article.sourceLine, "source", <bdi>{article.source.name}</bdi>)} ·{" "}
          {withSlot(t.article.publishedLine, "date", <time datetime={article.published_at}>{formatDate(locale, article.published_at)}</time>)}
        </p>
        {/* Sanitized at ingest (allow-listed tags, no scripts or handlers), so it is rendered as is. */}
        <div class="content">{raw(article.content_html)}</div>
        {article.url && (
          <p {...ui}>
            <a class="source-link" href={article.url} rel="noopener noreferrer external">
              {t.article.readAtSource}
            </a>
          </p>
        )}
        {article.tags.length > 0 && (
          <>
            <h2 class="sr" {...ui}>
              {t.article.tags}
            </h2>
            <ul class="tags">
              {article.tags.map((tag) => (
                <li>{tag}</li>
              ))}
            </ul>
          </>
        )}
      </article>
      {others.length > 0 && (
        <nav class="translations" aria-labelledby="translations-heading">
          <h2 id="translations-heading">{t.article.translations}</h2>
          <ul>
            {others.map((a) => (
              <li>
                <a href={a.href} hreflang={a.language} lang={a.language}>
                  {endonym(a.language)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <p>
        <a href={homePath(locale)}>{t.article.back}</a>
      </p>
    </>
  );
}
