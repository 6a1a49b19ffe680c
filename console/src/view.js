// Small helpers the console's views share. Everything from the API is put in as text nodes or
// attributes, never as markup (names are user data: docs/security.md#browser).

// el("li", {class, onclick, "data-x": …}, child, "text", …) → an element; strings become text.
export const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "style") node.style.cssText = value; // CSSOM, allowed by the CSP (no style attributes)
    else if (value !== null && value !== undefined) node.setAttribute(key, value);
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
};

// 1001 → "AS-001001", as tickets are numbered everywhere in the product.
export function ticketNumber(number) {
  return typeof number === "number" ? `AS-${String(number).padStart(6, "0")}` : number;
}
