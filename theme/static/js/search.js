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
 * English words also match their other forms: a query word and its stem (stem():
 * plurals, -ing, -ed) are both looked up as prefixes, so "benchmarks" finds
 * "benchmark" and "benchmarking". A Latin word of 5 or more letters that is in no
 * page at all is taken as a typo: the index's words one edit away stand for it
 * ("flanel" finds flannel), and the result says so. Chinese is never loosened:
 * every result contains the exact string searched for.
 *
 * Nothing found: suggest() offers words of the index close to the query.
 *
 * Used by the search page (an element with [data-search-page]) and by the header
 * box (partials/search_box.html): a plain form to that page, which shows the first
 * results under itself while the reader types (site.js loads this file on focus).
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
  var TYPO_MIN_LETTERS = 5;   // shorter words are too often another real word one edit away

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

  /* The stem of an English word: plurals, -ing and -ed taken off ("benchmarks" ->
   * "benchmark", "policies" -> "policy", "running" -> "run", "configured" ->
   * "configur"); the word itself when it is short or has none of these endings. */
  function stem(word) {
    var w = word;
    if (!/^[a-z]+$/.test(w) || w.length < 4) return w;
    if (/ies$/.test(w) && w.length > 4) return w.slice(0, -3) + "y";
    if (/(ss|x|z|ch|sh)es$/.test(w)) return w.slice(0, -2);
    if (/s$/.test(w) && !/(ss|us|is)$/.test(w)) return w.slice(0, -1);
    var m = /^(.{3,}?)(ing|ed)$/.exec(w);
    if (m) {
      var base = m[1];
      if (/([b-df-hj-np-tv-z])\1$/.test(base) && !/(ll|ss|ff|zz)$/.test(base)) base = base.slice(0, -1);
      return base;
    }
    return w;
  }

  /* What a query asks for: parts that must all be in a page. A part is
   * {text, needles, latin, alts: [[{term, prefix}...]...]}: a page has the part
   * if it holds every lookup of one of the alternatives and, verified in its text,
   * one of the needles. A white-space-separated chunk of Latin words joined by
   * punctuation (10.0.0.1, etcd-server) is one part, matched as written; a single
   * Latin word also matches by its stem; a CJK run is matched exactly. */
  function parseQuery(query) {
    var parts = [];
    fold(query).split(/\s+/).forEach(function (chunk) {
      var rs = runs(chunk);
      if (!rs.length) return;
      var allLatin = rs.every(function (r) { return r.kind === "latin"; });
      if (allLatin && rs.length > 1) {
        var first = chunk.indexOf(rs[0].text);
        var last = chunk.lastIndexOf(rs[rs.length - 1].text) + rs[rs.length - 1].text.length;
        var needle = chunk.slice(first, last);
        parts.push({
          text: needle, needles: [needle], latin: true,
          alts: [rs.map(function (r, i) { return { term: r.text, prefix: i === rs.length - 1 }; })],
        });
        return;
      }
      rs.forEach(function (r) {
        if (r.kind === "latin") {
          var needles = [r.text], base = stem(r.text);
          if (base !== r.text) needles.push(base);
          parts.push({
            text: r.text, needles: needles, latin: true, word: true,
            alts: needles.map(function (n) { return [{ term: n, prefix: true }]; }),
          });
        } else {
          var cs = chars(r.text), lookups = [];
          if (cs.length === 1) lookups.push({ term: cs[0], prefix: false });
          for (var i = 0; i + 1 < cs.length; i++) lookups.push({ term: cs[i] + cs[i + 1], prefix: false });
          parts.push({ text: r.text, needles: [r.text], latin: false, alts: [lookups] });
        }
      });
    });
    return parts;
  }

  /* Matches of a part in folded text: [{at, length}] in order; Latin needles only
   * at a word start. */
  function occurrences(folded, part, limit) {
    var found = [];
    part.needles.forEach(function (needle) {
      var from = 0;
      while (true) {
        var at = folded.indexOf(needle, from);
        if (at < 0) break;
        from = at + 1;
        if (part.latin && at > 0) {
          var prev = chars(folded.slice(Math.max(0, at - 2), at)).pop();
          if (isLatinWordChar(prev)) continue;
        }
        found.push({ at: at, length: needle.length });
      }
    });
    found.sort(function (a, b) { return a.at - b.at || b.length - a.length; });
    var out = [];  // the longest match at a place, no overlaps ("benchmarks" and "benchmark")
    found.forEach(function (m) {
      if (!out.length || m.at >= out[out.length - 1].at + out[out.length - 1].length) out.push(m);
    });
    return limit ? out.slice(0, limit) : out;
  }

  function wholeWordAt(folded, m) {
    var next = chars(folded.slice(m.at + m.length, m.at + m.length + 2))[0];
    return !next || !isLatinWordChar(next);
  }

  /* Edit distance between a and b, or max + 1 as soon as it is larger than max. */
  function editDistance(a, b, max) {
    if (Math.abs(a.length - b.length) > max) return max + 1;
    var prev = [], cur;
    for (var j = 0; j <= b.length; j++) prev.push(j);
    for (var i = 1; i <= a.length; i++) {
      cur = [i];
      var best = i;
      for (j = 1; j <= b.length; j++) {
        cur.push(Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
        best = Math.min(best, cur[j]);
      }
      if (best > max) return max + 1;
      prev = cur;
    }
    return prev[b.length];
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

  Index.prototype.allShards = function () {
    var self = this, ks = [];
    for (var k = 0; k < this.meta.shards; k++) ks.push(k);
    return Promise.all(ks.map(function (k) { return self.shard(k); }));
  };

  /* Latin index words within `max` edits of `word`, nearest and most common first:
   * [{term, distance, pages}]. The word's own shard (same first letter) first; the
   * others only when it has none, or when `everywhere`. */
  Index.prototype.nearWords = function (word, max, everywhere) {
    var self = this;
    function scan(shards) {
      var out = [];
      shards.forEach(function (shard) {
        for (var term in shard) {
          if (term === word || !/^[\p{L}]/u.test(term) || isCjk(term[0])) continue;
          var d = editDistance(word, term, max);
          if (d <= max) out.push({ term: term, distance: d, pages: shard[term].length });
        }
      });
      return out.sort(function (a, b) { return a.distance - b.distance || b.pages - a.pages || (a.term < b.term ? -1 : 1); });
    }
    return this.shard(shardOf(word, this.meta.shards)).then(function (own) {
      var near = everywhere ? [] : scan([own]);
      if (near.length) return near;
      return self.allShards().then(scan);
    });
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

  /* Page ids holding one part: the union over its alternatives of the pages that
   * hold every lookup of the alternative. */
  Index.prototype.partIds = function (part) {
    var self = this;
    return Promise.all(part.alts.map(function (alt) {
      return Promise.all(alt.map(function (l) { return self.lookup(l); })).then(function (lists) {
        return lists.reduce(intersect);
      });
    })).then(function (lists) {
      var ids = new Set();
      lists.forEach(function (list) { list.forEach(function (id) { ids.add(id); }); });
      return Array.from(ids);
    });
  };

  /* A Latin word of TYPO_MIN_LETTERS letters or more that no page holds (in any
   * form) stands for the index's words one edit away from it ("flanel" ->
   * flannel); the part is changed in place and remembers what was typed. */
  Index.prototype.correct = function (part, ids) {
    if (ids.length || !part.word || chars(part.text).length < TYPO_MIN_LETTERS) return Promise.resolve(ids);
    var self = this;
    return this.nearWords(part.text, 1).then(function (near) {
      if (!near.length) return ids;
      part.typed = part.text;
      part.needles = near.map(function (n) { return n.term; });
      part.alts = part.needles.map(function (n) { return [{ term: n, prefix: false }]; });
      part.text = part.needles[0];
      return self.partIds(part);
    });
  };

  /* Resolve to [{url, title, date, lang, score, excerpt: [[text, marked]...]}];
   * the array's `corrected` lists [typed, read as] for the typos taken care of. */
  Index.prototype.search = function (query, options) {
    var self = this, lang = (options && options.lang) || "", book = (options && options.book) || "";
    var parts = parseQuery(query);
    if (!parts.length) return Promise.resolve([]);
    return this.load().then(function () {
      return Promise.all(parts.map(function (p) {
        return self.partIds(p).then(function (ids) { return self.correct(p, ids); });
      }));
    }).then(function (lists) {
      var ids = lists.reduce(intersect);
      if (lang) ids = ids.filter(function (id) { return self.meta.pages[id][3] === lang; });
      // a book page's entry has its book's slug fifth
      if (book) ids = ids.filter(function (id) { return (self.meta.pages[id][4] || "") === book; });
      return Promise.all(ids.map(function (id) {
        return self.text(id).then(function (t) { return self.verify(id, t, parts); });
      }));
    }).then(function (results) {
      var out = results.filter(Boolean).sort(function (a, b) {
        return b.score - a.score || (a.date < b.date ? 1 : a.date > b.date ? -1 : 0);
      });
      out.corrected = parts.filter(function (p) { return p.typed; }).map(function (p) { return [p.typed, p.text]; });
      return out;
    });
  };

  /* Queries to offer when one finds nothing: for each Latin word, the index's words
   * nearest to it (up to two edits); for a Chinese run of three or more characters,
   * its shorter words that some page holds. At most `limit`, each a whole query. */
  Index.prototype.suggest = function (query, limit) {
    var self = this, parts = parseQuery(query);
    limit = limit || 5;
    return this.load().then(function () {
      return Promise.all(parts.map(function (p) {
        if (p.word) {
          return self.nearWords(p.text, 2, true).then(function (near) {
            return near.slice(0, limit).map(function (n) { return n.term; });
          });
        }
        if (!p.latin && chars(p.text).length >= 3) {
          var cs = chars(p.text), pairs = [];
          for (var i = 0; i + 1 < cs.length; i++) pairs.push(cs[i] + cs[i + 1]);
          return Promise.all(pairs.map(function (w) { return self.lookup({ term: w, prefix: false }); }))
            .then(function (lists) { return pairs.filter(function (w, i) { return lists[i].length; }); });
        }
        return [];
      }));
    }).then(function (options) {
      var out = [];
      parts.forEach(function (p, i) {
        options[i].forEach(function (word) {
          var q = parts.map(function (o, j) { return j === i ? word : o.text; }).join(" ");
          if (out.indexOf(q) < 0 && q !== fold(query).trim()) out.push(q);
        });
      });
      return out.slice(0, limit);
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
      hits.forEach(function (m) { if (!parts[i].latin || wholeWordAt(t.folded, m)) score += 0.5; });
      if (hits.length && (first < 0 || hits[0].at < first)) first = hits[0].at;
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
      occurrences(t.folded, p).forEach(function (m) {
        if (m.at + m.length > start && m.at < end) marks.push([m.at, m.at + m.length]);
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
    var help = root.querySelector(".search-help") || el("div", { class: "search-help" });
    if (!help.parentNode) list.after(help);
    var index = new Index(root.getAttribute("data-search-index"));
    var uiLang = document.documentElement.lang.startsWith("zh") ? "zh" : "en";
    var words = {
      zh: { none: "没有找到“{q}”。", one: "“{q}”：1 个结果", some: "“{q}”：{n} 个结果", error: "搜索出错：",
            corrected: "没有页面包含“{typed}”，显示的是“{read}”的结果。", try: "试试：",
            allLangs: "在所有语言中搜索", browse: "或者浏览", tags: "标签", archives: "归档" },
      en: { none: "No results for “{q}”.", one: "1 result for “{q}”", some: "{n} results for “{q}”",
            error: "Search failed: ", corrected: "No page has “{typed}”: showing results for “{read}”.",
            try: "Try: ", allLangs: "Search in every language", browse: "Or browse", tags: "tags",
            archives: "the archives" },
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
      if (!q) {
        list.replaceChildren(); help.replaceChildren(); status.textContent = "";
        root.removeAttribute("data-state"); return;
      }
      root.setAttribute("data-state", "searching");
      index.search(q, { lang: lang, book: book }).then(function (results) {
        if (ticket !== latest) return;
        list.replaceChildren.apply(list, results.slice(0, MAX_RESULTS).map(function (r) { return renderResult(r, uiLang, bookNames); }));
        status.textContent = (results.length > 1 ? words.some : results.length ? words.one : words.none)
          .replace("{q}", q).replace("{n}", results.length);
        help.replaceChildren.apply(help, (results.corrected || []).map(function (c) {
          return el("p", { class: "search-corrected" },
            [words.corrected.replace("{typed}", c[0]).replace("{read}", c[1])]);
        }));
        if (results.length) { root.setAttribute("data-state", "done"); return null; }
        return index.suggest(q).then(function (queries) {
          if (ticket !== latest) return;
          help.append(suggestions(queries, lang));
          root.setAttribute("data-state", "done");
        });
      }).catch(function (err) {
        if (ticket !== latest) return;
        status.textContent = words.error + err.message;
        root.setAttribute("data-state", "error");
      });
    }

    /* What to offer when nothing is found: near queries, every language when one is
     * chosen, and the tags and archives to browse. */
    function suggestions(queries, lang) {
      var box = el("div", { class: "search-suggestions" });
      function link(q, l, text) {
        var url = new URL(location.href);
        url.searchParams.set("q", q);
        if (l) url.searchParams.set("lang", l); else url.searchParams.delete("lang");
        var a = el("a", { href: url.pathname + url.search }, [text || q]);
        a.addEventListener("click", function (e) {
          e.preventDefault();
          input.value = q;
          if (langSelect) langSelect.value = l;
          run(true);
        });
        return a;
      }
      if (queries.length) {
        var p = el("p", {}, [words.try]);
        queries.forEach(function (q, i) { if (i) p.append(uiLang === "zh" ? "、" : ", "); p.append(link(q, lang)); });
        box.append(p);
      }
      if (lang) box.append(el("p", {}, [link(input.value.trim(), "", words.allLangs)]));
      var home = new URL("../", index.base).pathname + (uiLang === "zh" ? "zh/" : "");
      box.append(el("p", {}, [words.browse, " ", el("a", { href: home + "tags/" }, [words.tags]),
        uiLang === "zh" ? "、" : ", ", el("a", { href: home + "archives/" }, [words.archives]),
        uiLang === "zh" ? "。" : "."]));
      return box;
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

  window.SiteSearch = { Index: Index, fold: fold, runs: runs, parseQuery: parseQuery, formatDate: formatDate,
                        stem: stem, editDistance: editDistance };

  function init() {
    document.querySelectorAll("[data-search-page]").forEach(setupPage);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
