import { type DefaultTreeAdapterTypes, defaultTreeAdapter, html as parse5Html, parseFragment } from "parse5";
import { ALLOWED_ELEMENTS, GLOBAL_ATTRIBUTES } from "../../src/ingest/html-policy";

type Node = DefaultTreeAdapterTypes.ChildNode;

/** Schemes a stored URL may have, per attribute. */
const URL_SCHEMES: Record<string, readonly string[]> = {
  href: ["http:", "https:", "mailto:"],
  src: ["http:", "https:"],
  cite: ["http:", "https:"],
};

/**
 * What is wrong with sanitized HTML as a browser reads it: the string is parsed by parse5 (the
 * WHATWG tree builder) as the content of a <div>, where the reader page and API consumers put
 * it, and every node of the resulting tree is checked against the allow-list. Empty when fine.
 */
export function policyViolations(html: string): string[] {
  const context = defaultTreeAdapter.createElement("div", parse5Html.NS.HTML, []);
  const problems: string[] = [];
  const visit = (nodes: Node[]) => {
    for (const node of nodes) {
      if (node.nodeName === "#text") continue;
      if (!("tagName" in node)) {
        problems.push(`${node.nodeName} node`);
        continue;
      }
      const name = node.tagName;
      if (node.namespaceURI !== parse5Html.NS.HTML) problems.push(`<${name}> in namespace ${node.namespaceURI}`);
      const allowed = ALLOWED_ELEMENTS[name];
      if (!allowed) problems.push(`element <${name}>`);
      for (const attr of node.attrs) {
        const attrName = attr.prefix ? `${attr.prefix}:${attr.name}` : attr.name;
        if (/^on/i.test(attrName)) problems.push(`event handler ${attrName} on <${name}>`);
        const known = allowed?.includes(attrName) || GLOBAL_ATTRIBUTES.includes(attrName) || (name === "a" && attrName === "rel");
        if (!known) problems.push(`attribute ${attrName} on <${name}>`);
        const schemes = URL_SCHEMES[attrName];
        if (schemes && !schemes.includes(protocolOf(attr.value))) problems.push(`${attrName}=${JSON.stringify(attr.value)} on <${name}>`);
      }
      visit(node.childNodes);
    }
  };
  visit(parseFragment(context, html, {}).childNodes);
  return problems;
}

function protocolOf(url: string): string {
  try {
    return new URL(url).protocol;
  } catch {
    return "(not an absolute URL)";
  }
}
