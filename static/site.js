// sitegen: sortable tables, run filters, charts, permalinks, copy buttons, menu and colour scheme.
// Everything but the charts works as soon as the HTML is there; plotly.js (the only dependency,
// served from the site itself) is loaded once a chart comes into view. Nothing leaves the page.
(function () {
  "use strict";

  // --- Sortable tables -------------------------------------------------------
  // Cells carry data-sort: numbers and grade scores sort numerically, text by locale;
  // an empty data-sort is a missing value and always sorts last.
  function sortKey(cell, kind) {
    if (!cell) return null;
    var raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim().toLowerCase();
    if (raw === "") return null;
    if (kind === "text") return raw;
    var n = parseFloat(raw);
    return isNaN(n) ? null : n;
  }

  // Names sort naturally: c8 before c16, llama.cpp-b3 before llama.cpp-b12.
  var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

  function sortTable(table, index, direction) {
    var th = table.tHead.rows[0].cells[index];
    var kind = th.getAttribute("data-kind");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var keyed = rows.map(function (row, i) { return { row: row, key: sortKey(row.cells[index], kind), i: i }; });
    keyed.sort(function (a, b) {
      if (a.key === null && b.key === null) return a.i - b.i;
      if (a.key === null) return 1;
      if (b.key === null) return -1;
      var c = kind === "text" ? collator.compare(a.key, b.key) : a.key - b.key;
      if (c === 0) return a.i - b.i;
      return direction === "ascending" ? c : -c;
    });
    keyed.forEach(function (k) { body.appendChild(k.row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) {
      cell.setAttribute("aria-sort", cell === th ? direction : "none");
    });
  }

  function initSortable(table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      if (!th.querySelector("button")) return;
      // The whole header cell sorts; its button is there for the keyboard (its click bubbles here).
      th.addEventListener("click", function () {
        // The first click sorts the best first where the column says which way is better
        // (data-better); later clicks flip the order.
        var current = th.getAttribute("aria-sort");
        var first = th.getAttribute("data-better") === "higher" ? "descending" : "ascending";
        var next = current === "none" ? first : (current === "ascending" ? "descending" : "ascending");
        sortTable(table, index, next);
      });
    });
  }

  // --- Run filters -------------------------------------------------------------
  // The runs page lists the newest runs; when it does not list them all (data-index), the
  // first filter loads every run from runs/index.json and the table shows them instead.
  function loadAllRuns(form, table, then) {
    var url = form.getAttribute("data-index");
    form.setAttribute("data-loaded", "loading");
    fetch(url).then(function (response) { return response.json(); }).then(function (index) {
      var body = table.tBodies[0];
      body.textContent = "";
      index.runs.forEach(function (run) {
        var row = body.insertRow();
        Object.keys(run.attrs).forEach(function (k) { row.setAttribute("data-" + k, run.attrs[k]); });
        run.cells.forEach(function (c) {
          var td = row.insertCell();
          if (c[1] !== null) td.setAttribute("data-sort", c[1]);
          if (c[2]) { var a = document.createElement("a"); a.href = c[2]; a.textContent = c[0]; td.appendChild(a); }
          else td.textContent = c[0];
        });
      });
      form.setAttribute("data-loaded", "yes");
      then();
    }).catch(function () {
      form.setAttribute("data-loaded", "failed");  // e.g. opened from the file system: filter this page
      then();
    });
  }

  function initFilters(form) {
    var table = document.getElementById(form.getAttribute("data-filters"));
    if (!table) return;
    function filtering() {
      return ["hardware", "runtimes", "from", "to"].some(function (name) { return form.elements[name].value; });
    }
    if (!form.getAttribute("data-index")) form.setAttribute("data-loaded", "complete");
    function apply() {
      if (filtering() && !form.getAttribute("data-loaded")) { loadAllRuns(form, table, apply); return; }
      var hw = form.elements.hardware.value, rt = form.elements.runtimes.value;
      var from = form.elements.from.value, to = form.elements.to.value, shown = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var date = row.getAttribute("data-date") || "";
        var ok = (!hw || row.getAttribute("data-hardware") === hw) &&
          (!rt || (" " + row.getAttribute("data-runtimes") + " ").indexOf(" " + rt + " ") >= 0) &&
          (!from || (date && date >= from)) && (!to || (date && date <= to));
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      form.elements.count.value = shown + " of " + table.tBodies[0].rows.length + " runs";
    }
    // A link such as runs/index.html?hardware=rtx4090 opens the list already filtered.
    var params = new URLSearchParams(window.location.search);
    ["hardware", "runtimes", "from", "to"].forEach(function (name) {
      if (params.get(name) !== null && form.elements[name]) form.elements[name].value = params.get(name);
    });
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    apply();
  }

  // --- Leaderboard under the reader's own latency limits ------------------------------
  // The page embeds every (runtime, level) of the target; the ranking is the one the build
  // writes for the configured targets (catalog/derived.py slo_board): per runtime, the best
  // throughput per GPU at a level within both limits; the others after, at their closest level.
  function rankUnder(candidates, ttft, tpot) {
    var byRuntime = {};
    candidates.forEach(function (c) { (byRuntime[c.runtime] = byRuntime[c.runtime] || []).push(c); });
    function overshoot(c) {
      return Math.max(c.ttft === null ? Infinity : c.ttft / ttft, c.tpot === null ? Infinity : c.tpot / tpot);
    }
    var met = [], missed = [];
    Object.keys(byRuntime).sort().forEach(function (runtime) {
      var levels = byRuntime[runtime];
      var ok = levels.filter(function (c) { return c.ttft !== null && c.ttft <= ttft && c.tpot !== null && c.tpot <= tpot; });
      if (ok.length) {
        ok.sort(function (a, b) { return (b.tput - a.tput) || (a.c - b.c); });
        met.push({ c: ok[0], meets: true });
      } else {
        levels.sort(function (a, b) { return (overshoot(a) - overshoot(b)) || (a.c - b.c); });
        missed.push({ c: levels[0], meets: false });
      }
    });
    met.sort(function (a, b) { return (b.c.tput - a.c.tput) || a.c.runtime.localeCompare(b.c.runtime); });
    missed.sort(function (a, b) { return (overshoot(a.c) - overshoot(b.c)) || a.c.runtime.localeCompare(b.c.runtime); });
    return { rows: met.concat(missed), met: met.length, overshoot: overshoot };
  }

  function fixed(x, digits) { return x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits }); }

  function initSloForm(form) {
    var data = JSON.parse(document.getElementById(form.getAttribute("data-slo")).textContent);
    var table = document.getElementById(form.getAttribute("data-table"));
    function cell(row, value, sort, href, kind) {
      var td = row.insertCell();
      if (sort !== undefined) td.setAttribute("data-sort", sort);
      if (kind) td.className = kind;
      if (href) { var a = document.createElement("a"); a.href = href; a.textContent = value; td.appendChild(a); }
      else td.textContent = value;
      return td;
    }
    function apply(updateUrl) {
      // A per-user speed in tok/s is a p99 TPOT limit of 1000 / speed ms.
      var ttft = parseFloat(form.elements.ttft.value), speed = parseFloat(form.elements.speed.value);
      if (!(ttft > 0) || !(speed > 0)) return;
      var tpot = 1000 / speed;
      var ranked = rankUnder(data.candidates, ttft, tpot);
      var body = table.tBodies[0];
      body.textContent = "";
      ranked.rows.forEach(function (r, i) {
        var c = r.c, row = body.insertRow();
        row.setAttribute("data-meets", r.meets ? "yes" : "no");
        cell(row, r.meets ? String(i + 1) : "–", r.meets ? String(i + 1) : "");
        cell(row, c.runtime, undefined, c.href, "k-text");
        var t = cell(row, r.meets ? fixed(c.tput, 1) : "–", r.meets ? String(c.tput) : "");
        if (!r.meets) { var s = document.createElement("small"); s.textContent = "never meets it"; t.appendChild(s); }
        var costly = r.meets && c.cost !== null && c.cost !== undefined;
        cell(row, costly ? g3(c.cost) : "–", costly ? String(c.cost) : "");
        cell(row, c.load || String(c.c), String(c.c));
        cell(row, c.ttft === null ? "–" : fixed(c.ttft, 0) + " ms", c.ttft === null ? "" : String(c.ttft));
        cell(row, c.tpot === null ? "–" : fixed(c.tpot, 1) + " ms", c.tpot === null ? "" : String(c.tpot));
        var why = [];
        if (c.ttft === null) why.push("no p99 TTFT reported");
        else if (c.ttft > ttft) why.push("p99 TTFT " + fixed(c.ttft, 0) + " ms > " + fixed(ttft, 0));
        if (c.tpot === null) why.push("no p99 TPOT reported");
        else if (c.tpot > tpot) why.push("p99 TPOT " + fixed(c.tpot, 1) + " ms > " + fixed(tpot, 0));
        cell(row, why.length ? why.join("; ") : "meets both", "", undefined, "k-text");
        cell(row, "run", undefined, c.run, "k-text");
      });
      form.elements.summary.value = ranked.met + " of " + ranked.rows.length + " runtimes meet these limits";
      if (updateUrl) {
        var params = new URLSearchParams(window.location.search);
        params.set("ttft", form.elements.ttft.value);
        params.set("speed", form.elements.speed.value);
        params.delete("tpot");
        history.replaceState(null, "", "?" + params.toString() + window.location.hash);
      }
    }
    // A link such as hardware/h100/index.html?ttft=300&speed=40 reopens the same ranking; one
    // written before the form took a speed (?tpot=25, in ms) still does.
    var params = new URLSearchParams(window.location.search);
    ["ttft", "speed"].forEach(function (name) {
      if (params.get(name) !== null && parseFloat(params.get(name)) > 0) form.elements[name].value = params.get(name);
    });
    if (params.get("speed") === null && parseFloat(params.get("tpot")) > 0) {
      form.elements.speed.value = String(Number((1000 / parseFloat(params.get("tpot"))).toPrecision(6)));
    }
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("input", function () { apply(true); });
    apply(false);
  }

  // --- A model's machines and runtimes at the reader's target and prices ------------------
  // The ranking the build writes (catalog/deploy.py rank_at): per option, the best throughput
  // per GPU at a level giving each user at least `speed` tok/s with p99 TTFT within `ttft`; the
  // others after, by how close their closest level comes. Cost per million output tokens at
  // the price per GPU-hour typed for each machine. The URL keeps what was typed.
  function g3(x) { return String(Number(x.toPrecision(3))); }  // Python's "{:,.3g}" below 1,000

  function atSpeed(levels, speed) {
    var pts = levels.filter(function (l) { return l.x !== null; }).sort(function (a, b) { return a.x - b.x; });
    for (var i = 0; i + 1 < pts.length; i++) {
      var a = pts[i], b = pts[i + 1];
      if (a.x <= speed && speed <= b.x) return b.x === a.x ? Math.max(a.tput, b.tput) : a.tput + (b.tput - a.tput) * (speed - a.x) / (b.x - a.x);
    }
    return pts.length === 1 && pts[0].x === speed ? pts[0].tput : null;
  }

  function rankAtTarget(options, speed, ttft) {
    function meets(l) { return l.speed !== null && l.speed >= speed && l.ttft !== null && l.ttft <= ttft; }
    function shortfall(l) { return Math.max(l.speed ? speed / l.speed : Infinity, l.ttft === null ? Infinity : l.ttft / ttft); }
    function miss(l) {
      var said = [];
      if (l.speed === null) said.push("no per-user speed reported");
      else if (l.speed < speed) said.push(fixed(speed - l.speed, 1) + " tok/s per user short");
      if (l.ttft === null) said.push("no p99 TTFT reported");
      else if (l.ttft > ttft) said.push("p99 TTFT " + fixed(l.ttft - ttft, 0) + " ms over");
      return said.join("; ");
    }
    function byKey(a, b) { return a.o.key < b.o.key ? -1 : a.o.key > b.o.key ? 1 : 0; }
    var met = [], missed = [];
    options.forEach(function (o) {
      if (!o.levels.length) return;
      var within = o.levels.filter(meets);
      var at = atSpeed(o.levels, speed);
      if (within.length) {
        within.sort(function (a, b) { return (b.tput - a.tput) || (a.c - b.c); });
        met.push({ o: o, l: within[0], meets: true, at: at, miss: "" });
      } else {
        var closest = o.levels.slice().sort(function (a, b) { return (shortfall(a) - shortfall(b)) || (a.c - b.c); })[0];
        missed.push({ o: o, l: closest, meets: false, at: at, miss: miss(closest) });
      }
    });
    met.sort(function (a, b) { return (b.l.tput - a.l.tput) || byKey(a, b); });
    missed.sort(function (a, b) { return (shortfall(a.l) - shortfall(b.l)) || byKey(a, b); });
    return { rows: met.concat(missed), met: met.length };
  }

  function initTargetForm(form) {
    var data = JSON.parse(document.getElementById(form.getAttribute("data-options")).textContent);
    var table = document.getElementById(form.getAttribute("data-table"));
    var prices = Array.prototype.slice.call(form.querySelectorAll("input[name=price]"));
    function cell(row, value, sort, note, href, kind) {
      var td = row.insertCell();
      if (sort !== undefined) td.setAttribute("data-sort", sort);
      if (kind) td.className = kind;
      if (href) { var a = document.createElement("a"); a.href = href; a.textContent = value; td.appendChild(a); }
      else td.textContent = value;
      if (note) { var s = document.createElement("small"); s.textContent = note; td.appendChild(s); }
    }
    function priceOf(hardware) {
      var input = prices.filter(function (p) { return p.getAttribute("data-hardware") === hardware; })[0];
      var value = input ? parseFloat(input.value) : NaN;
      return value >= 0 ? value : null;
    }
    function apply(updateUrl) {
      var speed = parseFloat(form.elements.speed.value), ttft = parseFloat(form.elements.ttft.value);
      if (!(speed > 0) || !(ttft > 0)) return;
      var ranked = rankAtTarget(data.options, speed, ttft);
      var body = table.tBodies[0];
      body.textContent = "";
      ranked.rows.forEach(function (r, i) {
        var l = r.l, row = body.insertRow(), price = priceOf(r.o.hardware);
        row.setAttribute("data-meets", r.meets ? "yes" : "no");
        row.setAttribute("data-option", r.o.key);
        cell(row, r.meets ? String(i + 1) : "–", r.meets ? String(i + 1) : "");
        cell(row, r.o.name, undefined, "", r.o.href, "k-text");
        cell(row, r.meets ? fixed(l.tput, 1) : "–", r.meets ? String(l.tput) : "", r.meets ? l.note : "never within it");
        var cost = r.meets && price !== null && l.tps > 0 ? price * r.o.gpus / (l.tps * 3600) * 1e6 : null;
        cell(row, cost === null ? "–" : g3(cost), cost === null ? "" : String(cost), cost === null && r.meets ? "no price set" : "");
        cell(row, String(l.c), String(l.c), r.meets ? "" : "closest");
        cell(row, l.speed === null ? "–" : fixed(l.speed, 1), l.speed === null ? "" : String(l.speed), l.speed === null ? "not reported" : l.median ? "from the median: no p99 TPOT" : "");
        cell(row, l.ttft === null ? "–" : fixed(l.ttft, 0) + " ms", l.ttft === null ? "" : String(l.ttft), l.ttft === null ? "not reported" : "");
        cell(row, r.at === null ? "–" : fixed(r.at, 1), r.at === null ? "" : String(r.at), r.at === null ? "outside the levels measured" : "interpolated");
        cell(row, r.miss || "meets both", "", "", undefined, "k-text");
        cell(row, "run", undefined, "", l.run, "k-text");
      });
      form.elements.summary.value = ranked.met + " of " + ranked.rows.length + " machines and runtimes meet this target";
      if (updateUrl) {
        var params = new URLSearchParams(window.location.search);
        params.set("speed", form.elements.speed.value);
        params.set("ttft", form.elements.ttft.value);
        prices.forEach(function (p) { params.set("price." + p.getAttribute("data-hardware"), p.value); });
        history.replaceState(null, "", "?" + params.toString() + window.location.hash);
      }
    }
    // A link such as models/m/w/index.html?speed=30&ttft=500&price.h100=2.5 reopens that ranking.
    var params = new URLSearchParams(window.location.search);
    ["speed", "ttft"].forEach(function (name) {
      if (params.get(name) !== null && parseFloat(params.get(name)) > 0) form.elements[name].value = params.get(name);
    });
    prices.forEach(function (p) {
      var given = params.get("price." + p.getAttribute("data-hardware"));
      if (given !== null && (given === "" || parseFloat(given) >= 0)) p.value = given;
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("input", function () { apply(true); });
    apply(false);
  }

  // --- Charts -----------------------------------------------------------------------
  // plotly.js is large: it is fetched once the first chart comes near the screen, and each
  // chart is drawn when it does. Colours follow the page's colour scheme.
  var plotly = null;  // a promise of window.Plotly

  function loadPlotly() {
    if (!plotly) {
      plotly = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = document.body.getAttribute("data-assets") + "plotly-basic.min.js";
        script.onload = function () { resolve(window.Plotly); };
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return plotly;
  }

  function cssVar(name) { return getComputedStyle(document.documentElement).getPropertyValue(name).trim(); }

  function dark() { return cssVar("color-scheme") === "dark"; }

  // The layout keys that carry colours, for the current scheme; applied over the figure's own.
  function themed(layout) {
    var fg = cssVar("--fg"), line = cssVar("--line"), out = { "font.color": fg, "legend.font.color": fg };
    Object.keys(layout).forEach(function (key) {
      if (/^[xy]axis\d*$/.test(key)) {
        out[key + ".gridcolor"] = line;
        out[key + ".linecolor"] = line;
        out[key + ".zerolinecolor"] = line;
      }
    });
    return out;
  }

  function setPath(object, path, value) {
    var keys = path.split("."), last = keys.pop();
    keys.forEach(function (key) { object = object[key] = object[key] || {}; });
    object[last] = value;
  }

  // Runtime colours are chosen to read on white; the darkest become light grey on a dark page.
  function traceColours(data) {
    if (!dark()) return data;
    return data.map(function (trace) {
      var copy = JSON.parse(JSON.stringify(trace));
      ["marker", "line"].forEach(function (part) {
        if (copy[part] && copy[part].color === "#000000") copy[part].color = "#c9d1d9";
      });
      return copy;
    });
  }

  function drawChart(div) {
    if (div.getAttribute("data-drawing")) return;
    div.setAttribute("data-drawing", "true");
    loadPlotly().then(function (Plotly) {
      var figure = JSON.parse(document.getElementById(div.getAttribute("data-figure")).textContent);
      var layout = figure.layout;
      var touch = window.matchMedia && window.matchMedia("(hover: none)").matches;
      var config = { displaylogo: false, responsive: true, displayModeBar: touch ? false : "hover" };
      div.textContent = "";  // the placeholder line
      var colours = themed(layout);
      Object.keys(colours).forEach(function (path) { setPath(layout, path, colours[path]); });
      return Plotly.newPlot(div, traceColours(figure.data), layout, config).then(function () {
        div.setAttribute("data-drawn", "true");
        div.on("plotly_click", function (event) {
          var point = event.points && event.points[0];
          var links = (layout.meta && layout.meta.links) || [];
          var href = point && links[point.customdata];
          if (href) window.location.href = href;
        });
      });
    }).catch(function () {
      div.setAttribute("data-drawn", "failed");  // the data table below still has every value
    });
  }

  function retheme() {
    document.querySelectorAll("[data-drawn=true]").forEach(function (div) {
      var figure = JSON.parse(document.getElementById(div.getAttribute("data-figure")).textContent);
      window.Plotly.react(div, traceColours(figure.data), div.layout).then(function () {
        return window.Plotly.relayout(div, themed(div.layout));
      });
    });
  }

  function initCharts() {
    var charts = document.querySelectorAll("[data-figure]");
    if (!charts.length) return;
    if (!("IntersectionObserver" in window)) { charts.forEach(drawChart); return; }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) { observer.unobserve(entry.target); drawChart(entry.target); }
      });
    }, { rootMargin: "300px 0px" });
    charts.forEach(function (div) { observer.observe(div); });
  }

  // --- Colour scheme and menu --------------------------------------------------------
  function initThemeToggle(button) {
    function label() {
      var isDark = dark();
      button.textContent = isDark ? "Light mode" : "Dark mode";
      button.setAttribute("aria-pressed", isDark ? "true" : "false");
    }
    button.addEventListener("click", function () {
      var next = dark() ? "light" : "dark";
      document.documentElement.setAttribute("data-theme", next);
      try { localStorage.setItem("sitegen-theme", next); } catch (e) { /* private mode: this page only */ }
      label();
      retheme();
    });
    if (window.matchMedia) {
      var query = window.matchMedia("(prefers-color-scheme: dark)");
      if (query.addEventListener) query.addEventListener("change", function () { label(); retheme(); });
    }
    label();
  }

  function initMenu(button) {
    var header = button.closest("header");
    button.addEventListener("click", function () {
      var open = header.classList.toggle("open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  // --- Permalinks and copying --------------------------------------------------------
  function absoluteLink(anchor) {
    var canonical = document.querySelector('link[rel="canonical"]');
    var base = canonical ? canonical.href : window.location.href.split("#")[0];
    return base + "#" + anchor;
  }

  function copyText(text, button) {
    var done = function () {
      var label = button.textContent;
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = label; }, 1500);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
    } else { fallbackCopy(text); done(); }
  }

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text; document.body.appendChild(area); area.select();
    try { document.execCommand("copy"); } catch (e) { /* nothing more to try */ }
    document.body.removeChild(area);
  }

  function highlightTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    if (!id) return;
    var target = document.getElementById(id);
    if (!target) return;
    // A scorecard in a folded group opens with its group.
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
    document.querySelectorAll(".highlight").forEach(function (el) { el.classList.remove("highlight"); });
    target.classList.add("highlight");
    target.scrollIntoView({ block: "start" });
  }

  function init() {
    document.querySelectorAll("table.sortable").forEach(initSortable);
    document.querySelectorAll("form[data-filters]").forEach(initFilters);
    document.querySelectorAll("form.slo-form").forEach(initSloForm);
    document.querySelectorAll("form.target-form").forEach(initTargetForm);
    initCharts();
    document.querySelectorAll(".theme-toggle").forEach(initThemeToggle);
    document.querySelectorAll(".menu-toggle").forEach(initMenu);
    document.querySelectorAll("a.permalink").forEach(function (a) {
      a.addEventListener("click", function (event) {
        event.preventDefault();
        var anchor = a.getAttribute("data-anchor"), share = a.getAttribute("data-share");
        history.replaceState(null, "", "#" + anchor);
        highlightTarget();
        // A scorecard with a page of its own is shared by that page's address (its own preview).
        copyText(share ? new URL(share, absoluteLink(anchor)).href : absoluteLink(anchor), a);
      });
    });
    document.querySelectorAll("button.copy-md").forEach(function (button) {
      button.addEventListener("click", function () {
        var source = document.getElementById(button.getAttribute("data-markdown"));
        var section = button.closest("section");
        copyText(source.value + "\n\n[" + section.querySelector("h2").textContent + "](" +
          absoluteLink(section.id) + ")\n", button);
      });
    });
    window.addEventListener("hashchange", highlightTarget);
    highlightTarget();
    // Every control works from here on (the 404 page loads this script late): tests wait for it.
    document.documentElement.setAttribute("data-ready", "");
  }

  // Loaded late (the 404 page adds this script once it has found the site's root): run at once.
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
