/*
 * A small PDF viewer on pdf.js (npm pdfjs-dist, copied by plugins/pdf into
 * <static>/pdfjs/): one page at a time drawn to a canvas, with pdf.js's text
 * layer over it (selectable, found by Ctrl+F), previous/next page, zoom and a
 * download link.
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

const LABELS = {
  en: {
    prev: "Previous page", next: "Next page", zoomIn: "Zoom in", zoomOut: "Zoom out",
    fit: "Fit width", download: "Download", page: "Page", of: "of", loading: "Loading PDF…",
    failed: "The PDF could not be shown", open: "Open the PDF",
    remote: "This PDF is on another site ({host}) and cannot be shown here.",
    viewer: "PDF viewer",
  },
  zh: {
    prev: "上一页", next: "下一页", zoomIn: "放大", zoomOut: "缩小", fit: "适合宽度",
    download: "下载", page: "第", of: "页，共", loading: "正在加载 PDF…",
    failed: "无法显示这个 PDF", open: "打开 PDF",
    remote: "这个 PDF 在另一个网站（{host}）上，无法在这里显示。",
    viewer: "PDF 阅读器",
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
    this.pageNumber = 1;
    this.scale = null; // fit width until the reader zooms
    this.renderTask = null;
    this.textLayer = null;
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
    this.canvas = el("canvas", { class: "pdf-viewer__canvas" });
    this.text = el("div", { class: "textLayer" });
    this.sheet = el("div", { class: "pdf-viewer__sheet" }, [this.canvas, this.text]);
    this.scroller = el("div", { class: "pdf-viewer__scroller", tabindex: "0", role: "group", "aria-label": w.viewer },
      [this.status, this.sheet]);
    const toolbar = el("div", { class: "pdf-viewer__toolbar", role: "toolbar", "aria-label": w.viewer }, [
      el("span", { class: "pdf-viewer__nav" }, [this.prev, this.pageInput, this.pageCount, this.next]),
      el("span", { class: "pdf-viewer__zoombox" }, [this.zoomOut, this.zoomLabel, this.zoomIn, this.fitButton]),
      this.download,
    ]);
    link.classList.add("pdf-viewer__source");
    this.figure.replaceChildren(toolbar, this.scroller, el("figcaption", {}, [link]));
    this.figure.classList.add("pdf-viewer");
    this.prev.addEventListener("click", () => this.go(this.pageNumber - 1));
    this.next.addEventListener("click", () => this.go(this.pageNumber + 1));
    this.zoomIn.addEventListener("click", () => this.zoom(ZOOM_STEP));
    this.zoomOut.addEventListener("click", () => this.zoom(1 / ZOOM_STEP));
    this.fitButton.addEventListener("click", () => { this.scale = null; this.render(); });
    this.pageInput.addEventListener("change", () => this.go(parseInt(this.pageInput.value, 10)));
    this.scroller.addEventListener("keydown", (e) => {
      if (e.key === "PageDown" || e.key === "ArrowRight") { this.go(this.pageNumber + 1); e.preventDefault(); }
      if (e.key === "PageUp" || e.key === "ArrowLeft") { this.go(this.pageNumber - 1); e.preventDefault(); }
    });
    this.setControls(false);
  }

  setControls(enabled) {
    const total = this.doc ? this.doc.numPages : 0;
    this.prev.disabled = !enabled || this.pageNumber <= 1;
    this.next.disabled = !enabled || this.pageNumber >= total;
    for (const b of [this.zoomIn, this.zoomOut, this.fitButton, this.pageInput]) b.disabled = !enabled;
  }

  async open() {
    this.figure.dataset.state = "loading";
    try {
      const lib = await loadPdfjs();
      this.lib = lib;
      this.doc = await lib.getDocument({
        url: this.url,
        cMapUrl: new URL("cmaps/", PDFJS).href,
        cMapPacked: true,
        standardFontDataUrl: new URL("standard_fonts/", PDFJS).href,
        wasmUrl: new URL("wasm/", PDFJS).href,
        iccUrl: new URL("iccs/", PDFJS).href,
        isEvalSupported: false,
        enableXfa: false,
      }).promise;
      this.pageInput.max = String(this.doc.numPages);
      this.pageCount.textContent = `/ ${this.doc.numPages}`;
      this.status.remove();
      await this.render();
    } catch (err) {
      this.fail(err);
    }
  }

  fail(err) {
    this.figure.dataset.state = "error";
    this.status.textContent = `${this.words.failed} (${err && err.message ? err.message : err}).`;
    if (!this.status.isConnected) this.scroller.prepend(this.status);
    this.sheet.hidden = true;
    this.setControls(false);
  }

  go(number) {
    if (!this.doc || !Number.isInteger(number)) return;
    const target = Math.min(Math.max(number, 1), this.doc.numPages);
    if (target !== this.pageNumber) {
      this.pageNumber = target;
      this.render();
    } else {
      this.pageInput.value = String(target);
    }
  }

  zoom(factor) {
    const current = this.scale ?? this.fitScale ?? 1;
    this.scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, current * factor));
    this.render();
  }

  async render() {
    const number = this.pageNumber;
    this.figure.dataset.state = "rendering";
    this.setControls(false);
    this.renderTask?.cancel();
    this.textLayer?.cancel();
    try {
      const page = await this.doc.getPage(number);
      if (number !== this.pageNumber) return;
      const natural = page.getViewport({ scale: 1 });
      const room = this.scroller.clientWidth - 2;
      this.fitScale = room > 0 ? room / natural.width : 1;
      const scale = this.scale ?? this.fitScale;
      const viewport = page.getViewport({ scale });
      const ratio = window.devicePixelRatio || 1;
      const canvas = el("canvas", { class: "pdf-viewer__canvas" });
      canvas.width = Math.floor(viewport.width * ratio);
      canvas.height = Math.floor(viewport.height * ratio);
      canvas.style.width = `${Math.floor(viewport.width)}px`;
      canvas.style.height = `${Math.floor(viewport.height)}px`;
      this.renderTask = page.render({
        canvasContext: canvas.getContext("2d"),
        viewport,
        transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : null,
      });
      const text = el("div", { class: "textLayer" });
      this.sheet.style.setProperty("--scale-factor", String(scale));
      this.sheet.style.setProperty("--total-scale-factor", String(scale));
      this.textLayer = new this.lib.TextLayer({
        textContentSource: page.streamTextContent(), container: text, viewport,
      });
      await Promise.all([this.renderTask.promise, this.textLayer.render()]);
      if (number !== this.pageNumber) return;
      this.sheet.style.width = canvas.style.width;
      this.sheet.style.height = canvas.style.height;
      this.canvas.replaceWith(canvas);
      this.text.replaceWith(text);
      this.canvas = canvas;
      this.text = text;
      this.pageInput.value = String(number);
      this.zoomLabel.textContent = `${Math.round(scale * 100)}%`;
      this.figure.dataset.page = String(number);
      this.figure.dataset.state = "ready";
      this.setControls(true);
    } catch (err) {
      if (err && err.name === "RenderingCancelledException") return;
      if (err && err.name === "AbortException") return;
      this.fail(err);
    }
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
  new Viewer(figure, link, words).open();
}

document.querySelectorAll("figure[data-pdf-viewer]").forEach(setup);
