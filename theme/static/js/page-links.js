// Links a reader keeps or uses to move around a long page:
// - heading anchors: a link icon beside every section heading (shown on hover or focus,
//   always on a touch screen); a click puts the section's URL in the address bar and
//   on the clipboard, and says so;
// - back to top: a button in the corner once the reader is well down the page.
// Both are placed over the page (absolute / fixed): nothing else moves.

const WORDS = {
  en: { link: "Link to this section", copied: "Link copied", top: "Back to top" },
  zh: { link: "本节链接", copied: "链接已复制", top: "回到顶部" },
};
const SHOW_TOP_AFTER = 1.5;  // window heights scrolled before the button shows

function words() {
  return document.documentElement.lang.startsWith("zh") ? WORDS.zh : WORDS.en;
}

async function copy(text) {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  throw new Error("no clipboard");
}

export function setupHeadingAnchors(root = document) {
  const w = words();
  const headings = root.querySelectorAll(
    ".post__body :is(h2, h3, h4)[id], .lab-transcript :is(h2, h3)[id]");
  if (!headings.length) return;
  const status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  document.body.append(status);
  for (const heading of headings) {
    const link = document.createElement("a");
    link.className = "heading-anchor";
    link.href = `#${encodeURIComponent(heading.id)}`;
    link.setAttribute("aria-label", `${w.link}: ${heading.textContent.trim()}`);
    const icon = document.createElement("span");
    icon.className = "heading-anchor__icon";
    icon.setAttribute("aria-hidden", "true");
    link.append(icon);
    link.addEventListener("click", async () => {
      const url = new URL(link.href, location.href).href;
      try {
        await copy(url);
        link.dataset.copied = w.copied;
        status.textContent = w.copied;
        setTimeout(() => { delete link.dataset.copied; status.textContent = ""; }, 1600);
      } catch { /* the address bar has it */ }
    });
    heading.classList.add("has-anchor");
    heading.append(link);
  }
}

export function setupBackToTop() {
  const w = words();
  const button = document.createElement("button");
  button.type = "button";
  button.className = "back-to-top";
  button.setAttribute("aria-label", w.top);
  button.title = w.top;
  button.textContent = "↑";
  button.addEventListener("click", () => {
    window.scrollTo({ top: 0 });
    document.querySelector(".skip-link")?.focus({ preventScroll: true });
  });
  document.body.append(button);
  let scheduled = false;
  const update = () => {
    scheduled = false;
    button.classList.toggle("is-shown", window.scrollY > window.innerHeight * SHOW_TOP_AFTER);
  };
  window.addEventListener("scroll", () => {
    if (!scheduled) { scheduled = true; requestAnimationFrame(update); }
  }, { passive: true });
  update();
}
