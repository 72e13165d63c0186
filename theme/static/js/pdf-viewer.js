/*
 * A small PDF viewer on pdf.js (npm pdfjs-dist, copied by plugins/pdf into
 * <static>/pdfjs/): all pages in a scrolling frame, each with pdf.js's text
 * layer (selectable, and found by the browser's find on every page), page
 * navigation that follows the scroll, zoom and a download link.
 *
 * Long PDFs stay fast: every page gets a placeholder sized from its viewport
 * and its text layer (cheap: spans of transparent text), but canvases are
 * drawn only for pages near the visible part of the frame and released when
 * they scroll far away (two IntersectionObservers). Zoom changes one CSS
 * variable, --total-scale-factor, that sizes every sheet and text layer.
 *
 * pdf.js (about 700 KB) and its worker (1.2 MB) are fetched only when the viewer comes
 * near the visible part of the page (OPEN_MARGIN), or when the reader taps or focuses
 * it: a reader who never scrolls that far never pays for them.
 *
 * The figure's data-state says how far it got: idle (waiting to come near the view),
 * loading, text (pages laid out,
 * text layers coming in), ready (every page's text is in), error or remote;
 * data-page is the page the toolbar shows; a sheet has data-drawn while its
 * canvas is drawn at the current zoom.
 *
 * The page holds <figure data-pdf-viewer> with a plain link to the PDF (what a
 * reader without JavaScript gets); the viewer is built around that link. A PDF
 * on another origin, which pdf.js cannot fetch without CORS, gets an "open
 * the PDF" card instead of a broken viewer.
 */
const PDFJS = new URL("../pdfjs/", import.meta.url);
const ZOOM_STEP = 1.25;
const MIN_SCALE = 0.25;
const MAX_SCALE = 5;
const PAD = 8;                      // px around and between sheets (matches the CSS)
const MAX_CANVAS_PIXELS = 16777216; // a canvas beyond this is drawn at a lower resolution
const DRAW_MARGIN = "100% 0px";     // draw pages within one frame height of the view
const KEEP_MARGIN = "400% 0px";     // release canvases beyond four frame heights
const OPEN_MARGIN = "0px 0px 200px 0px"; // load pdf.js when the viewer is 200 px below the window

const LABELS = {
  en: {
    prev: "Previous page", next: "Next page", zoomIn: "Zoom in", zoomOut: "Zoom out",
    fit: "Fit width", download: "Download", page: "Page", loading: "Loading PDF…",
    failed: "The PDF could not be shown", open: "Open the PDF",
    remote: "This PDF is on another site ({host}) and cannot be shown here.",
    viewer: "PDF viewer", sheet: (n) => `Page ${n}`,
  },
  zh: {
    prev: "上一页", next: "下一页", zoomIn: "放大", zoomOut: "缩小", fit: "适合宽度",
    download: "下载", page: "页码", loading: "正在加载 PDF…",
    failed: "无法显示这个 PDF", open: "打开 PDF",
    remote: "这个 PDF 在另一个网站（{host}）上，无法在这里显示。",
    viewer: "PDF 阅读器", sheet: (n) => `第 ${n} 页`,
  },
};

function labelsFor(node) {
  const lang = (node.closest("[lang]")?.getAttribute("lang") || "en").toLowerCase();
  return lang.startsWith("zh") ? LABELS.zh : LABELS.en;
}

function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

function cancelled(err) {
  return err && (err.name === "RenderingCancelledException" || err.name === "AbortException");
}

/* pdf.js rejects a document stream's "headers ready" promise as soon as the server
 * answers 404, and attaches its handler only when its worker asks, a message later: when
 * the answer is the faster, the browser reports an unhandled rejection, though the same
 * error rejects getDocument().promise, which open() awaits and shows ("could not be
 * shown"). Only that kind of error, from pdf.js fetching a PDF, is kept off the console. */
window.addEventListener("unhandledrejection", (event) => {
  if (event.reason?.name === "ResponseException" && pdfjsPromise !== null) event.preventDefault();
});

let pdfjsPromise = null;
function loadPdfjs() {
  pdfjsPromise ??= import(new URL("pdf.min.mjs", PDFJS).href).then((lib) => {
    lib.GlobalWorkerOptions.workerSrc = new URL("pdf.worker.min.mjs", PDFJS).href;
    return lib;
  });
  return pdfjsPromise;
}

function remoteCard(figure, link, words) {
  const url = new URL(link.href);
  const open = el("a", { class: "pdf-embed__link", href: url.href, rel: "noopener noreferrer" },
    [`${words.open}: ${link.textContent.replace(/^PDF:\s*/, "")}`]);
  const card = el("p", { class: "pdf-embed__card" },
    [words.remote.replace("{host}", url.host), " ", open]);
  figure.classList.add("pdf-embed--remote");
  figure.replaceChildren(card);
}

class Viewer {
  constructor(figure, link, words) {
    this.figure = figure;
    this.url = link.href;
    this.words = words;
    this.current = 1;
    this.scale = 1;
    this.fit = true;     // fit width until the reader zooms
    this.pinned = null;  // {number, top}: the page go() scrolled to, while the frame stays there
    this.pages = [];     // one {number, sheet, text, canvas, ...} per page
    this.near = new Set();
    this.build(link);
  }

  build(link) {
    const w = this.words;
    const button = (cls, label, text) =>
      el("button", { type: "button", class: `pdf-viewer__${cls}`, "aria-label": label, title: label }, [text]);
    this.prev = button("prev", w.prev, "‹");
    this.next = button("next", w.next, "›");
    this.zoomOut = button("zoom-out", w.zoomOut, "−");
    this.zoomIn = button("zoom-in", w.zoomIn, "+");
    this.fitButton = button("fit", w.fit, "↔");
    this.pageInput = el("input", {
      class: "pdf-viewer__page", type: "number", min: "1", value: "1",
      "aria-label": w.page, inputmode: "numeric",
    });
    this.pageCount = el("span", { class: "pdf-viewer__count" }, ["…"]);
    this.zoomLabel = el("span", { class: "pdf-viewer__zoom", "aria-live": "polite" }, [""]);
    this.download = el("a", { class: "pdf-viewer__download", href: this.url, download: "" }, [w.download]);
    this.status = el("p", { class: "pdf-viewer__status", role: "status" }, [w.loading]);
    this.column = el("div", { class: "pdf-viewer__pages" });
    this.scroller = el("div", { class: "pdf-viewer__scroller", tabindex: "0", role: "group", "aria-label": w.viewer },
      [this.status, this.column]);
    const toolbar = el("div", { class: "pdf-viewer__toolbar", role: "toolbar", "aria-label": w.viewer }, [
      el("span", { class: "pdf-viewer__nav" }, [this.prev, this.pageInput, this.pageCount, this.next]),
      el("span", { class: "pdf-viewer__zoombox" }, [this.zoomOut, this.zoomLabel, this.zoomIn, this.fitButton]),
      this.download,
    ]);
    link.classList.add("pdf-viewer__source");
    this.figure.replaceChildren(toolbar, this.scroller, el("figcaption", {}, [link]));
    this.figure.classList.add("pdf-viewer");
    this.prev.addEventListener("click", () => this.go(this.current - 1));
    this.next.addEventListener("click", () => this.go(this.current + 1));
    this.zoomIn.addEventListener("click", () => this.zoom(ZOOM_STEP));
    this.zoomOut.addEventListener("click", () => this.zoom(1 / ZOOM_STEP));
    this.fitButton.addEventListener("click", () => { this.fit = true; this.setScale(this.fitScale()); });
    this.pageInput.addEventListener("change", () => this.go(parseInt(this.pageInput.value, 10)));
    this.scroller.addEventListener("keydown", (e) => this.key(e));
    this.scroller.addEventListener("scroll", () => this.followScroll(), { passive: true });
    this.setControls(false);
  }

  key(e) {
    if (e.altKey || e.ctrlKey || e.metaKey || !this.pages.length) return;
    const flat = this.scroller.scrollWidth <= this.scroller.clientWidth; // arrows scroll sideways when zoomed in
    const actions = {
      PageDown: () => this.go(this.current + 1), PageUp: () => this.go(this.current - 1),
      Home: () => this.go(1), End: () => this.go(this.pages.length),
      "+": () => this.zoom(ZOOM_STEP), "=": () => this.zoom(ZOOM_STEP), "-": () => this.zoom(1 / ZOOM_STEP),
      ...(flat && { ArrowRight: () => this.go(this.current + 1), ArrowLeft: () => this.go(this.current - 1) }),
    };
    if (actions[e.key]) { actions[e.key](); e.preventDefault(); }
  }

  setControls(enabled) {
    const total = this.pages.length;
    this.prev.disabled = !enabled || this.current <= 1;
    this.next.disabled = !enabled || this.current >= total;
    for (const b of [this.zoomIn, this.zoomOut, this.fitButton, this.pageInput]) b.disabled = !enabled;
  }

  async open() {
    this.figure.dataset.state = "loading";
    try {
      this.lib = await loadPdfjs();
      this.doc = await this.lib.getDocument({
        url: this.url,
        cMapUrl: new URL("cmaps/", PDFJS).href,
        cMapPacked: true,
        standardFontDataUrl: new URL("standard_fonts/", PDFJS).href,
        wasmUrl: new URL("wasm/", PDFJS).href,
        iccUrl: new URL("iccs/", PDFJS).href,
        isEvalSupported: false,
        enableXfa: false,
      }).promise;
      const first = await this.doc.getPage(1);
      this.layOut(first.getViewport({ scale: 1 }));
      this.status.remove();
      this.setScale(this.fitScale());
      this.watch();
      this.show(1);
      this.figure.dataset.state = "text";
      // every page's text, in order: what the browser's find searches
      for (const p of this.pages) await this.renderText(p);
      this.figure.dataset.state = "ready";
    } catch (err) {
      this.fail(err);
    }
  }

  /* One placeholder per page, sized like page 1 until its own page is loaded. */
  layOut(firstViewport) {
    const w = this.words;
    this.pageInput.max = String(this.doc.numPages);
    this.pageCount.textContent = `/ ${this.doc.numPages}`;
    for (let number = 1; number <= this.doc.numPages; number++) {
      const text = el("div", { class: "textLayer" });
      const sheet = el("div", {
        class: "pdf-viewer__sheet", "data-page-number": String(number), role: "group", "aria-label": w.sheet(number),
      }, [text]);
      const p = { number, sheet, text, canvas: null, task: null, job: null, drawnAt: null, loading: null, page: null };
      this.size(p, firstViewport);
      this.pages.push(p);
    }
    this.column.append(...this.pages.map((p) => p.sheet));
  }

  size(p, viewport) {
    const { width, height } = viewport; // at scale 1, rotation applied
    Object.assign(p, { width, height });
    p.sheet.style.width = `round(down, var(--total-scale-factor) * ${width}px, 1px)`;
    p.sheet.style.height = `round(down, var(--total-scale-factor) * ${height}px, 1px)`;
  }

  /* The pdf.js page of a placeholder; the placeholder takes the page's own size. */
  pageOf(p) {
    p.loading ??= this.doc.getPage(p.number).then((page) => {
      p.page = page;
      const viewport = page.getViewport({ scale: 1 });
      if (viewport.width !== p.width || viewport.height !== p.height) {
        this.keepPlace(() => this.size(p, viewport));
      }
      return page;
    });
    return p.loading;
  }

  async renderText(p) {
    const page = await this.pageOf(p);
    const layer = new this.lib.TextLayer({
      textContentSource: page.streamTextContent(), container: p.text, viewport: page.getViewport({ scale: this.scale }),
    });
    await layer.render();
  }

  /* Draw pages coming near the view; release canvases of pages far from it. */
  watch() {
    const bySheet = new Map(this.pages.map((p) => [p.sheet, p]));
    const near = new IntersectionObserver((entries) => {
      for (const { target, isIntersecting } of entries) {
        const p = bySheet.get(target);
        if (isIntersecting) { this.near.add(p); this.draw(p); } else this.near.delete(p);
      }
    }, { root: this.scroller, rootMargin: DRAW_MARGIN });
    const far = new IntersectionObserver((entries) => {
      for (const { target, isIntersecting } of entries) if (!isIntersecting) this.release(bySheet.get(target));
    }, { root: this.scroller, rootMargin: KEEP_MARGIN });
    for (const p of this.pages) { near.observe(p.sheet); far.observe(p.sheet); }
    let width = this.scroller.clientWidth;
    new ResizeObserver(() => {
      if (this.scroller.clientWidth === width) return;
      width = this.scroller.clientWidth;
      if (this.fit) this.setScale(this.fitScale());
    }).observe(this.scroller);
  }

  async draw(p) {
    const scale = this.scale;
    if (p.drawnAt === scale || p.job?.scale === scale) return;
    p.task?.cancel();
    const job = p.job = { scale };
    try {
      const page = await this.pageOf(p);
      if (p.job !== job) return;
      const viewport = page.getViewport({ scale });
      const ratio = Math.min(window.devicePixelRatio || 1,
        Math.sqrt(MAX_CANVAS_PIXELS / (viewport.width * viewport.height)));
      const canvas = el("canvas", { class: "pdf-viewer__canvas", "aria-hidden": "true" });
      canvas.width = Math.floor(viewport.width * ratio);
      canvas.height = Math.floor(viewport.height * ratio);
      p.task = page.render({ canvas, viewport, transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : undefined });
      await p.task.promise;
      if (p.job !== job) return;
      // the old canvas (another zoom) stays until the new one is ready
      if (p.canvas) p.canvas.replaceWith(canvas); else p.sheet.prepend(canvas);
      p.canvas = canvas;
      p.drawnAt = scale;
      p.sheet.dataset.drawn = "";
    } catch (err) {
      if (!cancelled(err)) this.fail(err);
    } finally {
      if (p.job === job) { p.job = null; p.task = null; }
    }
  }

  release(p) {
    if (!p) return;
    p.job = null;
    p.task?.cancel();
    p.task = null;
    if (p.canvas) {
      p.canvas.width = p.canvas.height = 0; // frees the bitmap now, not at collection
      p.canvas.remove();
      p.canvas = null;
      p.page?.cleanup();
    }
    p.drawnAt = null;
    delete p.sheet.dataset.drawn;
  }

  fitScale() {
    // the column's padding is PAD, or less on a phone (pdf-viewer.css)
    const pad = parseFloat(getComputedStyle(this.column).paddingLeft) || 0;
    const room = this.scroller.clientWidth - 2 * pad;
    const width = this.pages[0]?.width || 1;
    return Math.min(MAX_SCALE, Math.max(MIN_SCALE, room / width));
  }

  zoom(factor) {
    this.fit = false;
    this.setScale(Math.min(MAX_SCALE, Math.max(MIN_SCALE, this.scale * factor)));
  }

  /* New scale: sheets and text layers follow the CSS variable; the page being
     read stays in view; canvases near the view are redrawn. */
  setScale(scale) {
    this.keepPlace(() => {
      this.scale = scale;
      this.column.style.setProperty("--total-scale-factor", String(scale));
      for (const p of this.pages) delete p.sheet.dataset.drawn;
    });
    this.zoomLabel.textContent = `${Math.round(scale * 100)}%`;
    for (const p of this.near) this.draw(p);
  }

  /* Run change() (which moves sheets) and scroll back to the same place in the
     current page: the point at the frame's top after go(), else at its middle
     (the line followScroll() reads the page from); a frame at the top stays there. */
  keepPlace(change) {
    const s = this.scroller;
    const sheet = this.pages[this.current - 1]?.sheet;
    const pinned = this.pinned;
    const line = pinned ? 0 : s.clientHeight / 2;
    const into = sheet ? (s.scrollTop + line - sheet.offsetTop) / (sheet.offsetHeight || 1) : 0;
    const atTop = s.scrollTop === 0 && !pinned;
    change();
    if (!sheet || atTop) return;
    s.scrollTop = sheet.offsetTop + into * sheet.offsetHeight - line;
    if (pinned) this.pinned = { number: pinned.number, top: s.scrollTop };
  }

  go(number) {
    if (!this.pages.length || !Number.isInteger(number)) return;
    const target = Math.min(Math.max(number, 1), this.pages.length);
    this.scroller.scrollTop = this.pages[target - 1].sheet.offsetTop - PAD;
    // near the end the frame may not reach the page's top: remember which page was asked for
    this.pinned = { number: target, top: this.scroller.scrollTop };
    this.pageInput.value = String(target);
    this.show(target);
  }

  /* The page shown in the toolbar: the one asked for while the frame stays
     there, else the one across the middle of the frame (the last at the end). */
  followScroll() {
    const s = this.scroller;
    if (!this.pages.length) return;
    if (this.pinned && Math.abs(s.scrollTop - this.pinned.top) < 2) return this.show(this.pinned.number);
    this.pinned = null;
    if (s.scrollTop > 0 && s.scrollTop + s.clientHeight >= s.scrollHeight - 2) return this.show(this.pages.length);
    const middle = s.scrollTop + s.clientHeight / 2;
    let number = 1;
    for (const p of this.pages) {
      if (p.sheet.offsetTop > middle) break;
      number = p.number;
    }
    this.show(number);
  }

  show(number) {
    this.current = number;
    if (document.activeElement !== this.pageInput) this.pageInput.value = String(number);
    this.figure.dataset.page = String(number);
    this.setControls(this.figure.dataset.state !== "error");
  }

  fail(err) {
    if (this.figure.dataset.state === "error") return;
    this.figure.dataset.state = "error";
    this.status.textContent = `${this.words.failed} (${err && err.message ? err.message : err}).`;
    this.column.hidden = true;
    this.scroller.prepend(this.status);
    this.setControls(false);
  }
}

function setup(figure) {
  const link = figure.querySelector("a.pdf-embed__link");
  if (!link || figure.dataset.state) return;
  const words = labelsFor(figure);
  if (new URL(link.href).origin !== location.origin) {
    remoteCard(figure, link, words);
    figure.dataset.state = "remote";
    return;
  }
  const viewer = new Viewer(figure, link, words);
  figure.dataset.state = "idle";
  let opened = false;
  const open = () => {
    if (opened) return;
    opened = true;
    observer?.disconnect();
    viewer.open();
  };
  const observer = "IntersectionObserver" in window
    ? new IntersectionObserver((entries) => { if (entries.some((e) => e.isIntersecting)) open(); },
      { rootMargin: OPEN_MARGIN })
    : null;
  if (observer) observer.observe(figure); else open();
  figure.addEventListener("pointerdown", open, { once: true });
  figure.addEventListener("focusin", open, { once: true });
}

document.querySelectorAll("figure[data-pdf-viewer]").forEach(setup);
