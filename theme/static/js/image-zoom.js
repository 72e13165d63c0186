// Images in a post open larger in a dialog, over the page, on a click or a tap (or
// Enter): a diagram squeezed to a phone's width becomes readable, scrolling both ways.
// An image linked to itself opens there instead of leaving the page. Nothing on the
// page moves: the images only get a handler, a cursor and, if not in a link, a tab stop.

const WORDS = {
  en: { close: "Close", open: "Enlarge the image", dialog: "Enlarged image" },
  zh: { close: "关闭", open: "放大图片", dialog: "放大的图片" },
};
const VECTOR_ZOOM = 2.5;  // an SVG is drawn at least this many times its width in the post

function words() {
  return document.documentElement.lang.startsWith("zh") ? WORDS.zh : WORDS.en;
}

let dialog = null;

function ensureDialog() {
  if (dialog) return dialog;
  const w = words();
  dialog = document.createElement("dialog");
  dialog.className = "image-zoom";
  dialog.setAttribute("aria-label", w.dialog);
  const close = document.createElement("button");
  close.type = "button";
  close.className = "image-zoom__close";
  close.setAttribute("aria-label", w.close);
  close.textContent = "×";
  close.addEventListener("click", () => dialog.close());
  const frame = document.createElement("div");
  frame.className = "image-zoom__frame";
  frame.tabIndex = 0;
  const img = document.createElement("img");
  img.className = "image-zoom__image";
  frame.append(img);
  dialog.append(close, frame);
  // a click on the dark backdrop (outside the image) closes, as Escape does
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog || event.target === frame) dialog.close();
  });
  dialog.addEventListener("close", () => { img.removeAttribute("src"); document.documentElement.classList.remove("has-zoom"); });
  document.body.append(dialog);
  return dialog;
}

/* The width to draw `source` at: its own pixels, and for a vector image at least
   VECTOR_ZOOM times what the post shows. */
function zoomWidth(source, url) {
  const shown = source.getBoundingClientRect().width;
  const natural = source.naturalWidth || shown;
  return /\.svg(?:[?#]|$)/i.test(url) ? Math.max(natural, shown * VECTOR_ZOOM) : Math.max(natural, shown);
}

export function openZoom(source, url) {
  const d = ensureDialog();
  const img = d.querySelector("img");
  img.alt = source.alt || "";
  img.src = url;
  img.style.width = `${Math.round(zoomWidth(source, url))}px`;
  document.documentElement.classList.add("has-zoom");
  d.showModal();
  const frame = d.querySelector(".image-zoom__frame");
  // start where the image is centred, so a wide diagram opens at its middle
  frame.scrollLeft = (frame.scrollWidth - frame.clientWidth) / 2;
  frame.scrollTop = 0;
}

export function setupImageZoom(root = document) {
  for (const img of root.querySelectorAll(".post__body img")) {
    if (img.closest(".pdf-embed, .image-zoom")) continue;
    const link = img.closest("a");
    const url = img.currentSrc || img.src;
    if (link) {
      // only a link to the image itself: a link elsewhere keeps going there
      if (new URL(link.href, location.href).href !== new URL(img.getAttribute("src"), location.href).href) continue;
      link.classList.add("is-zoomable");
      link.addEventListener("click", (event) => {
        if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        openZoom(img, url);
      });
    } else {
      img.classList.add("is-zoomable");
      img.tabIndex = 0;
      img.setAttribute("role", "button");
      img.setAttribute("aria-label", `${words().open}: ${img.alt || ""}`.replace(/: $/, ""));
      img.addEventListener("click", () => openZoom(img, url));
      img.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); openZoom(img, url); }
      });
    }
  }
}
