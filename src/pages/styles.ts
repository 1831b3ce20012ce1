/**
 * The whole stylesheet, inlined in every page so a page is one request. Logical properties
 * (inline/block) make the Arabic layout mirror without a separate RTL sheet. Colours keep
 * at least 4.5:1 contrast on their backgrounds.
 */
export const CSS = `
:root{--fg:#1b1b1f;--muted:#4a4f57;--bg:#fff;--soft:#f3f4f6;--line:#d5d8dd;--link:#0b4fa8;--focus:#c2410c;--mark:#fde68a;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Helvetica Neue",Arial,"Noto Sans Arabic","Geeza Pro",Tahoma,"Noto Sans CJK SC","PingFang SC","Microsoft YaHei","Noto Sans CJK KR","Apple SD Gothic Neo","Malgun Gothic",sans-serif;
line-height:1.55;color:var(--fg);background:var(--bg)}
:lang(zh){font-family:system-ui,"Noto Sans CJK SC","PingFang SC","Hiragino Sans GB","Microsoft YaHei",sans-serif}
:lang(ko){font-family:system-ui,"Noto Sans CJK KR","Apple SD Gothic Neo","Malgun Gothic",sans-serif;word-break:keep-all}
:lang(ar){font-family:system-ui,"Noto Sans Arabic","Noto Naskh Arabic","Geeza Pro",Tahoma,sans-serif;line-height:1.75}
*{box-sizing:border-box}
body{margin:0}
a{color:var(--link)}
a:hover{text-decoration-thickness:2px}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;inset-inline-start:.5rem;inset-block-start:-4rem;background:var(--fg);color:#fff;padding:.5rem 1rem;z-index:1}
.skip:focus{inset-block-start:.5rem}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.wrap{max-width:60rem;margin-inline:auto;padding-inline:1rem}
header{border-block-end:1px solid var(--line);background:var(--soft)}
.bar{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.5rem;padding-block:.75rem}
.brand{font-weight:700;font-size:1.25rem;color:var(--fg);text-decoration:none}
.tagline{color:var(--muted);font-size:.9rem}
.langs ul,.pager ol,.tags,.feeds ul,.translations ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem .75rem}
.langs a[aria-current]{font-weight:700;color:var(--fg);text-decoration:none}
.search{display:flex;gap:.5rem;flex:1 1 18rem}
input,select,button{font:inherit;padding:.4rem .6rem;border:1px solid #6b7280;border-radius:.3rem;background:#fff;color:var(--fg)}
input[type=search],input[type=text]{flex:1;min-width:0}
button{background:var(--link);border-color:var(--link);color:#fff;cursor:pointer}
main{padding-block:1.5rem 3rem}
h1{font-size:1.6rem;line-height:1.3;margin-block:0 .5rem}
.count,.meta{color:var(--muted)}
.articles{list-style:none;margin:0;padding:0}
.articles li{padding-block:1rem;border-block-end:1px solid var(--line)}
.articles h2{font-size:1.15rem;margin:0 0 .25rem}
.articles p{margin:.25rem 0}
mark{background:var(--mark);color:inherit;padding-inline:.1em}
.filters{display:flex;flex-wrap:wrap;align-items:end;gap:.75rem;margin-block:1rem;padding:.75rem;background:var(--soft);border-radius:.4rem}
.filters label,.field label{display:block;font-size:.9rem;color:var(--muted)}
.pager{margin-block-start:1.5rem}
.pager a,.pager span{display:inline-block;min-width:2.4rem;padding:.35rem .6rem;text-align:center;border-radius:.3rem}
.pager a[aria-current]{background:var(--fg);color:#fff;text-decoration:none}
.sorts{display:flex;gap:.75rem;margin-block:.5rem}
.sorts a[aria-current]{font-weight:700;color:var(--fg);text-decoration:none}
article .content{font-size:1.05rem;max-width:42rem}
article .content img{max-width:100%;height:auto}
article blockquote{margin-inline:0;padding-inline-start:1rem;border-inline-start:4px solid var(--line)}
.tags li{background:var(--soft);padding:.1rem .6rem;border-radius:1rem;font-size:.9rem}
.source-link{font-weight:600}
fieldset{border:1px solid var(--line);border-radius:.4rem;margin-block:1rem;padding:.75rem 1rem}
legend{font-weight:600;padding-inline:.25rem}
.field{margin-block:.6rem}
.field input[type=text]{width:100%}
.hint{color:var(--muted);font-size:.9rem;margin:.2rem 0}
.checks{display:flex;flex-wrap:wrap;gap:.4rem 1.2rem}
.row{display:flex;flex-wrap:wrap;gap:1rem}
.problems li{margin-block:.3rem}
footer{border-block-start:1px solid var(--line);background:var(--soft);padding-block:1rem;color:var(--muted);font-size:.9rem}
`
  .replace(/\n/g, "")
  .trim();
