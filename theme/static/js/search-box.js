// The header's search box shows the first results under itself while the reader types
// (after a pause of DEBOUNCE_MS), as the search page would: search.js and the index are
// fetched only once the box is focused. Enter still opens the search page with every
// result; Escape closes the list; the arrow keys move between the box and the results.

const DEBOUNCE_MS = 200;
const SHOWN = 6;
const WORDS = {
  en: { none: "No results for “{q}”", some: "{n} results for “{q}”", one: "1 result for “{q}”", all: "All results" },
  zh: { none: "没有找到“{q}”", some: "“{q}”：{n} 个结果", one: "“{q}”：1 个结果", all: "全部结果" },
};

let searchPromise = null;
function loadSearch() {
  searchPromise ??= window.SiteSearch ? Promise.resolve(window.SiteSearch) : new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = new URL("search.js", import.meta.url).href;
    script.onload = () => resolve(window.SiteSearch);
    script.onerror = () => { searchPromise = null; reject(new Error("search.js did not load")); };
    document.head.append(script);
  });
  return searchPromise;
}

function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

export function setupSearchBox(form = document.querySelector("form.search-box[data-search-index]")) {
  const input = form?.querySelector("input[name=q]");
  if (!input) return;
  const uiLang = document.documentElement.lang.startsWith("zh") ? "zh" : "en";
  const w = WORDS[uiLang];
  const status = el("p", { class: "search-box__status", role: "status" });
  const list = el("ul", { class: "search-box__results" });
  const all = el("a", { class: "search-box__all", href: form.action }, [w.all]);
  const panel = el("div", { class: "search-box__panel", id: "search-box-panel", hidden: "" }, [status, list, all]);
  form.append(panel);
  input.setAttribute("aria-controls", panel.id);
  input.setAttribute("autocomplete", "off");
  let index = null, timer = 0, ticket = 0;

  const show = (on) => {
    panel.hidden = !on;
    form.dataset.state = on ? "open" : "closed";
  };
  const links = () => [...panel.querySelectorAll("a")];

  async function run() {
    const q = input.value.trim();
    const mine = ++ticket;
    if (!q) { show(false); return; }
    const lib = await loadSearch();
    index ??= new lib.Index(form.dataset.searchIndex);
    const results = await index.search(q, {});
    if (mine !== ticket) return;
    // the reader's language first, then the order of the search page
    const ranked = [...results].sort((a, b) => (a.lang !== uiLang) - (b.lang !== uiLang));
    list.replaceChildren(...ranked.slice(0, SHOWN).map((r) => el("li", { lang: r.lang }, [
      el("a", { href: r.url }, [r.title]),
      el("span", { class: "search-box__excerpt" }, r.excerpt.map(([text, marked]) => marked ? el("mark", {}, [text]) : text)),
    ])));
    status.textContent = (results.length > 1 ? w.some : results.length ? w.one : w.none)
      .replace("{q}", q).replace("{n}", results.length);
    const url = new URL(form.action, location.href);
    url.searchParams.set("q", q);
    all.href = url.href;
    all.hidden = !results.length;
    show(true);
  }

  input.addEventListener("focus", () => { loadSearch().catch(() => {}); });
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => { run().catch(() => show(false)); }, DEBOUNCE_MS);
  });
  form.addEventListener("keydown", (event) => {
    const items = links();
    const at = items.indexOf(document.activeElement);
    if (event.key === "Escape" && !panel.hidden) {
      show(false);
      input.focus();
      event.preventDefault();
    } else if (event.key === "ArrowDown" && !panel.hidden && items.length) {
      items[Math.min(at + 1, items.length - 1)].focus();
      event.preventDefault();
    } else if (event.key === "ArrowUp" && at >= 0) {
      (at === 0 ? input : items[at - 1]).focus();
      event.preventDefault();
    }
  });
  // closes when the focus or a click goes elsewhere on the page
  document.addEventListener("pointerdown", (event) => { if (!form.contains(event.target)) show(false); });
  form.addEventListener("focusout", (event) => { if (event.relatedTarget && !form.contains(event.relatedTarget)) show(false); });
}
