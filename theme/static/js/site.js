// Site behaviour, no dependencies: copy buttons on code blocks, keyboard-scrollable
// code and tables, and the sidebar TOC highlighting the section being read; images
// that open larger (image-zoom.js); results under the header's search box (search-box.js);
// the light / dark / auto switch (theme-switch.js); heading anchors and back to top
// (page-links.js).
import { setupImageZoom } from "./image-zoom.js";
import { setupSearchBox } from "./search-box.js";
import { setupThemeSwitch } from "./theme-switch.js";
import { setupBackToTop, setupHeadingAnchors } from "./page-links.js";

const body = document.body;

function codeText(block) {
  const code = block.querySelector("code") || block.querySelector("pre") || block;
  return code.innerText.replace(/\n$/, "");
}

async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.append(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  if (!ok) throw new Error("copy failed");
}

function addCopyButtons() {
  const blocks = document.querySelectorAll(".post__body .highlight, .post__body pre:not(.highlight pre)");
  for (const block of blocks) {
    const pre = block.tagName === "PRE" ? block : block.querySelector("pre");
    if (pre && pre.scrollWidth > pre.clientWidth && !pre.hasAttribute("tabindex")) {
      pre.setAttribute("tabindex", "0");
    }
    const button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = body.dataset.copy || "Copy";
    button.setAttribute("aria-label", body.dataset.copyLabel || "Copy code to clipboard");
    button.addEventListener("click", async () => {
      try {
        await copyText(codeText(block));
        button.textContent = body.dataset.copied || "Copied";
        button.classList.add("is-done");
        setTimeout(() => {
          button.textContent = body.dataset.copy || "Copy";
          button.classList.remove("is-done");
        }, 1600);
      } catch {
        button.textContent = "×";
      }
    });
    block.append(button);
  }
}

function highlightToc() {
  const links = [...document.querySelectorAll(".toc-sidebar a[href^='#']")];
  if (!links.length) return;
  const byHeading = new Map();
  for (const link of links) {
    let id;
    try { id = decodeURIComponent(link.getAttribute("href").slice(1)); } catch { continue; }
    const heading = document.getElementById(id);
    if (heading) byHeading.set(heading, link);
  }
  const headings = [...byHeading.keys()];
  if (!headings.length) return;
  let scheduled = false;
  const update = () => {
    scheduled = false;
    // the current section: the last heading above the top third of the window,
    // or the last one when the page is scrolled to its end
    const line = window.innerHeight / 3;
    let current = headings[0];
    for (const h of headings) {
      if (h.getBoundingClientRect().top <= line) current = h;
    }
    if (window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2) {
      current = headings[headings.length - 1];
    }
    for (const [h, link] of byHeading) {
      const on = h === current;
      link.classList.toggle("is-current", on);
      if (on) link.setAttribute("aria-current", "location");
      else link.removeAttribute("aria-current");
    }
  };
  const schedule = () => {
    if (!scheduled) { scheduled = true; requestAnimationFrame(update); }
  };
  window.addEventListener("scroll", schedule, { passive: true });
  window.addEventListener("resize", schedule, { passive: true });
  window.addEventListener("hashchange", schedule);
  update();
}

// Code and tables wider than the column scroll sideways (site.css); let the keyboard
// do it too (posts, and the lab transcripts' commands and output).
function scrollableRegions() {
  for (const box of document.querySelectorAll("main pre, .post__body table")) {
    if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) {
      box.setAttribute("tabindex", "0");
    }
  }
}

addCopyButtons();
scrollableRegions();
highlightToc();
setupImageZoom();
setupSearchBox();
setupThemeSwitch();
setupHeadingAnchors();
setupBackToTop();
