/*
 * Site search, offline, from the index plugins/search writes to <site>/search-index/.
 *
 * A query is split the way plugins/search/tokens.py splits pages (change both
 * together): Chinese (CJK) runs become character bigrams (one character: the
 * unigram), other runs of letters and digits become words, matched as prefixes
 * ("flann" finds flannel). Postings give candidate pages; each candidate's text
 * is then fetched and checked for the exact string, so a result always contains
 * what was searched for, and the excerpt shows it highlighted.
 *
 * Used by the search page (an element with [data-search-page]); the header box
 * (partials/search_box.html) is a plain form that submits to that page.
 */
(function () {
  "use strict";

  var CJK_RANGES = [
    [0x3040, 0x30ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff],
    [0xac00, 0xd7af], [0xf900, 0xfaff], [0x20000, 0x3134f],
  ];
  var WORD_CHAR = /^[\p{L}\p{N}]$/u;
  var EXCERPT_BEFORE = 50;
  var EXCERPT_LENGTH = 180;
  var MAX_RESULTS = 200;

  function isCjk(ch) {
    var cp = ch.codePointAt(0);
    for (var i = 0; i < CJK_RANGES.length; i++) {
      if (cp >= CJK_RANGES[i][0] && cp <= CJK_RANGES[i][1]) return true;
    }
    return false;
  }

  function isWordChar(ch) { return WORD_CHAR.test(ch); }
  function isLatinWordChar(ch) { return isWordChar(ch) && !isCjk(ch); }

  /* Lowercase and de-full-width without changing the length (UTF-16 units
   * included), so an index into the folded text is an index into the text. */
  function fold(text) {
    var out = "";
    for (var ch of text) {
      var cp = ch.codePointAt(0);
      if (cp >= 0xff01 && cp <= 0xff5e) ch = String.fromCharCode(cp - 0xfee0);
      var low = ch.toLowerCase();
      out += low.length === ch.length ? low : ch;
    }
    return out;
  }

  /* [{kind: "cjk"|"latin", text}] for the runs of word characters. */
  function runs(text) {
    var out = [], kind = null, current = "";
    for (var ch of text) {
      var k = isWordChar(ch) ? (isCjk(ch) ? "cjk" : "latin") : null;
      if (k !== kind) {
        if (kind) out.push({ kind: kind, text: current });
        kind = k; current = "";
      }
      current += ch;
    }
    if (kind) out.push({ kind: kind, text: current });
    return out;
  }

  function chars(s) { return Array.from(s); }

  /* What a query asks for: parts that must all be in a page. A part is
   * {needle, latin, lookups: [{term, prefix}]}. A white-space-separated chunk
   * of Latin words joined by punctuation (10.0.0.1, etcd-server) is one part,
   * matched as written; otherwise each run is its own part. */
  function parseQuery(query) {
    var parts = [];
    fold(query).split(/\s+/).forEach(function (chunk) {
      var rs = runs(chunk);
      if (!rs.length) return;
      var allLatin = rs.every(function (r) { return r.kind === "latin"; });
      if (allLatin && rs.length > 1) {
        var first = chunk.indexOf(rs[0].text);
        var last = chunk.lastIndexOf(rs[rs.length - 1].text) + rs[rs.length - 1].text.length;
        parts.push({
          needle: chunk.slice(first, last), latin: true,
          lookups: rs.map(function (r, i) { return { term: r.text, prefix: i === rs.length - 1 }; }),
        });
        return;
      }
      rs.forEach(function (r) {
        if (r.kind === "latin") {
          parts.push({ needle: r.text, latin: true, lookups: [{ term: r.text, prefix: true }] });
        } else {
          var cs = chars(r.text), lookups = [];
          if (cs.length === 1) lookups.push({ term: cs[0], prefix: false });
          for (var i = 0; i + 1 < cs.length; i++) lookups.push({ term: cs[i] + cs[i + 1], prefix: false });
          parts.push({ needle: r.text, latin: false, lookups: lookups });
        }
      });
    });
    return parts;
  }

  /* Positions of a part in folded text; Latin needles only at a word start. */
  function occurrences(folded, part, limit) {
    var found = [], from = 0;
    while (found.length < (limit || Infinity)) {
      var at = folded.indexOf(part.needle, from);
      if (at < 0) break;
      from = at + 1;
      if (part.latin && at > 0) {
        var prev = chars(folded.slice(Math.max(0, at - 2), at)).pop();
        if (isLatinWordChar(prev)) continue;
      }
      found.push(at);
    }
    return found;
  }

  function wholeWordAt(folded, at, part) {
    if (!part.latin) return true;
    var next = chars(folded.slice(at + part.needle.length, at + part.needle.length + 2))[0];
    return !next || !isLatinWordChar(next);
  }

  function shardOf(term, shards) { return term.codePointAt(0) % shards; }

  function intersect(a, b) {
    var set = new Set(b);
    return a.filter(function (x) { return set.has(x); });
  }

  function Index(base) {
    this.base = new URL(base, document.baseURI);
    this.siteRoot = new URL("../", this.base);
    this.meta = null;
    this.shards = new Map();
    this.texts = new Map();
  }

  Index.prototype.fetchJson = function (name) {
    return fetch(new URL(name, this.base)).then(function (r) {
      if (!r.ok) throw new Error("search index: " + name + ": HTTP " + r.status);
      return r.json();
    });
  };

  Index.prototype.load = function () {
    var self = this;
    if (!this.metaPromise) {
      this.metaPromise = this.fetchJson("meta.json").then(function (m) { self.meta = m; return m; });
    }
    return this.metaPromise;
  };

  Index.prototype.shard = function (k) {
    if (!this.shards.has(k)) this.shards.set(k, this.fetchJson("terms-" + k + ".json"));
    return this.shards.get(k);
  };

  Index.prototype.text = function (id) {
    var self = this;
    if (!this.texts.has(id)) {
      this.texts.set(id, fetch(new URL("text/" + id + ".txt", this.base)).then(function (r) {
        if (!r.ok) throw new Error("search index: text " + id + ": HTTP " + r.status);
        return r.text();
      }).then(function (t) { return { text: t, folded: fold(t) }; }));
    }
    return this.texts.get(id);
  };

  /* Page ids holding a term (every term starting with it, for a prefix). */
  Index.prototype.lookup = function (lookup) {
    return this.shard(shardOf(lookup.term, this.meta.shards)).then(function (shard) {
      if (!lookup.prefix) return Object.prototype.hasOwnProperty.call(shard, lookup.term) ? shard[lookup.term] : [];
      var ids = new Set();
      for (var term in shard) {
        if (term.startsWith(lookup.term)) shard[term].forEach(function (id) { ids.add(id); });
      }
      return Array.from(ids);
    });
  };

  /* Resolve to [{url, title, date, lang, score, excerpt: [[text, marked]...]}]. */
  Index.prototype.search = function (query, options) {
    var self = this, lang = (options && options.lang) || "", book = (options && options.book) || "";
    var parts = parseQuery(query);
    if (!parts.length) return Promise.resolve([]);
    return this.load().then(function () {
      var lookups = [];
      parts.forEach(function (p) { lookups = lookups.concat(p.lookups); });
      return Promise.all(lookups.map(function (l) { return self.lookup(l); }));
    }).then(function (lists) {
      var ids = lists.reduce(intersect);
      if (lang) ids = ids.filter(function (id) { return self.meta.pages[id][3] === lang; });
      // a book page's entry has its book's slug fifth
      if (book) ids = ids.filter(function (id) { return (self.meta.pages[id][4] || "") === book; });
      return Promise.all(ids.map(function (id) {
        return self.text(id).then(function (t) { return self.verify(id, t, parts); });
      }));
    }).then(function (results) {
      return results.filter(Boolean).sort(function (a, b) {
        return b.score - a.score || (a.date < b.date ? 1 : a.date > b.date ? -1 : 0);
      });
    });
  };

  /* A result if every part is in the title or the text; null otherwise. */
  Index.prototype.verify = function (id, t, parts) {
    var page = this.meta.pages[id], foldedTitle = fold(page[1]), score = 0, first = -1;
    for (var i = 0; i < parts.length; i++) {
      var inTitle = occurrences(foldedTitle, parts[i], 1).length > 0;
      var hits = occurrences(t.folded, parts[i], 20);
      if (!inTitle && !hits.length) return null;
      if (inTitle) score += 10;
      score += Math.min(hits.length, 10);
      hits.forEach(function (at) { if (wholeWordAt(t.folded, at, parts[i])) score += 0.5; });
      if (hits.length && (first < 0 || hits[0] < first)) first = hits[0];
    }
    return {
      url: new URL(page[0], this.siteRoot).href, title: page[1], date: page[2], lang: page[3], book: page[4] || "",
      score: score, excerpt: excerpt(t, parts, first),
    };
  };

  /* [[text, isMatch], ...] around the first match, every match marked. */
  function excerpt(t, parts, first) {
    var start = first < 0 ? 0 : Math.max(0, first - EXCERPT_BEFORE);
    var end = Math.min(t.text.length, start + EXCERPT_LENGTH);
    if (start > 0 && end - start < EXCERPT_LENGTH) start = Math.max(0, end - EXCERPT_LENGTH);
    // do not start in the middle of a Latin word ("…etes"): skip to its end
    for (var n = 0; start > 0 && n < 15 && start < first && isLatinWordChar(t.text[start - 1]); n++) start++;
    var marks = [];
    parts.forEach(function (p) {
      occurrences(t.folded, p).forEach(function (at) {
        if (at + p.needle.length > start && at < end) marks.push([at, at + p.needle.length]);
      });
    });
    marks.sort(function (a, b) { return a[0] - b[0]; });
    // widen the window rather than cut a match in two
    marks.forEach(function (m) { start = Math.min(start, m[0]); end = Math.max(end, m[1]); });
    var out = [], pos = start;
    if (start > 0) out.push(["…", false]);
    marks.forEach(function (m) {
      var from = Math.max(m[0], pos), to = Math.min(m[1], end);
      if (to <= from) return;
      if (from > pos) out.push([t.text.slice(pos, from), false]);
      out.push([t.text.slice(from, to), true]);
      pos = to;
    });
    if (pos < end) out.push([t.text.slice(pos, end), false]);
    if (end < t.text.length) out.push(["…", false]);
    return out;
  }

  /* ---- the search page ---------------------------------------------- */

  var LANG_NAMES = { en: "English", zh: "中文" };
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  /* "Aug 24, 2016" / "2016年8月24日", as the rest of the site writes dates. */
  function formatDate(iso, uiLang) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
    if (!m) return iso || "";
    var y = +m[1], mo = +m[2], d = +m[3];
    return uiLang === "zh" ? y + "年" + mo + "月" + d + "日" : MONTHS[mo - 1] + " " + d + ", " + y;
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) {
      node.append(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  /* bookNames: {slug: title} from the page's book filter; a book page's result names its book */
  function renderResult(r, uiLang, bookNames) {
    var text = el("p", { class: "search-excerpt" }, r.excerpt.map(function (piece) {
      return piece[1] ? el("mark", {}, [piece[0]]) : piece[0];
    }));
    var meta = el("p", { class: "search-meta" }, [
      el("time", { datetime: r.date }, [formatDate(r.date, uiLang)]), " · ",
      el("span", { class: "search-lang", lang: r.lang }, [LANG_NAMES[r.lang] || r.lang]),
    ]);
    if (r.book && bookNames && bookNames[r.book]) {
      meta.append(" · ", el("span", { class: "search-book" }, [bookNames[r.book]]));
    }
    return el("li", { class: "search-result", lang: r.lang }, [
      el("h2", {}, [el("a", { href: r.url }, [r.title])]), meta, text,
    ]);
  }

  function setupPage(root) {
    var form = root.querySelector("form");
    var input = form.querySelector("input[name=q]");
    var langSelect = form.querySelector("select[name=lang]");
    var bookSelect = form.querySelector("select[name=book]");
    var bookNames = {};
    if (bookSelect) Array.from(bookSelect.options).forEach(function (o) { if (o.value) bookNames[o.value] = o.textContent; });
    var status = root.querySelector(".search-status");
    var list = root.querySelector(".search-results");
    var index = new Index(root.getAttribute("data-search-index"));
    var uiLang = document.documentElement.lang.startsWith("zh") ? "zh" : "en";
    var words = {
      zh: { none: "没有找到“{q}”。", one: "“{q}”：1 个结果", some: "“{q}”：{n} 个结果", error: "搜索出错：" },
      en: { none: "No results for “{q}”.", one: "1 result for “{q}”", some: "{n} results for “{q}”",
            error: "Search failed: " },
    }[uiLang];
    var latest = 0;

    function run(pushUrl) {
      var q = input.value.trim(), lang = langSelect ? langSelect.value : "";
      var book = bookSelect ? bookSelect.value : "";
      var ticket = ++latest;
      if (pushUrl) {
        var url = new URL(location.href);
        url.searchParams.set("q", q);
        if (lang) url.searchParams.set("lang", lang); else url.searchParams.delete("lang");
        if (book) url.searchParams.set("book", book); else url.searchParams.delete("book");
        history.replaceState(null, "", url);
      }
      if (!q) { list.replaceChildren(); status.textContent = ""; root.removeAttribute("data-state"); return; }
      root.setAttribute("data-state", "searching");
      index.search(q, { lang: lang, book: book }).then(function (results) {
        if (ticket !== latest) return;
        list.replaceChildren.apply(list, results.slice(0, MAX_RESULTS).map(function (r) { return renderResult(r, uiLang, bookNames); }));
        status.textContent = (results.length > 1 ? words.some : results.length ? words.one : words.none)
          .replace("{q}", q).replace("{n}", results.length);
        root.setAttribute("data-state", "done");
      }, function (err) {
        if (ticket !== latest) return;
        status.textContent = words.error + err.message;
        root.setAttribute("data-state", "error");
      });
    }

    var params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    if (langSelect && params.get("lang")) langSelect.value = params.get("lang");
    if (bookSelect && params.get("book")) bookSelect.value = params.get("book");
    var timer = null;
    form.addEventListener("submit", function (e) { e.preventDefault(); clearTimeout(timer); run(true); });
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { run(true); }, 150);
    });
    if (langSelect) langSelect.addEventListener("change", function () { run(true); });
    if (bookSelect) bookSelect.addEventListener("change", function () { run(true); });
    run(false);
  }

  window.SiteSearch = { Index: Index, fold: fold, runs: runs, parseQuery: parseQuery, formatDate: formatDate };

  function init() {
    document.querySelectorAll("[data-search-page]").forEach(setupPage);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
