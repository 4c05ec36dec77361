// sitegen: sortable tables, run filters, plotly charts, permalinks and copy buttons.
// No dependencies but plotly.js (loaded only on pages with charts); nothing leaves the page.
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
      var c = kind === "text" ? a.key.localeCompare(b.key) : a.key - b.key;
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
      var button = th.querySelector("button");
      if (!button) return;
      button.addEventListener("click", function () {
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
    function overshoot(c) { return Math.max(c.ttft / ttft, c.tpot === null ? Infinity : c.tpot / tpot); }
    var met = [], missed = [];
    Object.keys(byRuntime).sort().forEach(function (runtime) {
      var levels = byRuntime[runtime];
      var ok = levels.filter(function (c) { return c.ttft <= ttft && c.tpot !== null && c.tpot <= tpot; });
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
      var ttft = parseFloat(form.elements.ttft.value), tpot = parseFloat(form.elements.tpot.value);
      if (!(ttft > 0) || !(tpot > 0)) return;
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
        cell(row, String(c.c), String(c.c));
        cell(row, fixed(c.ttft, 0) + " ms", String(c.ttft));
        cell(row, c.tpot === null ? "–" : fixed(c.tpot, 1) + " ms", c.tpot === null ? "" : String(c.tpot));
        var why = [];
        if (c.ttft > ttft) why.push("p99 TTFT " + fixed(c.ttft, 0) + " ms > " + fixed(ttft, 0));
        if (c.tpot === null) why.push("no p99 TPOT reported");
        else if (c.tpot > tpot) why.push("p99 TPOT " + fixed(c.tpot, 1) + " ms > " + fixed(tpot, 0));
        cell(row, why.length ? why.join("; ") : "meets both", "", undefined, "k-text");
        cell(row, "run", undefined, c.run, "k-text");
      });
      form.elements.summary.value = ranked.met + " of " + ranked.rows.length + " runtimes meet these limits";
      if (updateUrl) {
        var params = new URLSearchParams(window.location.search);
        params.set("ttft", form.elements.ttft.value);
        params.set("tpot", form.elements.tpot.value);
        history.replaceState(null, "", "?" + params.toString() + window.location.hash);
      }
    }
    // A link such as hardware/h100/index.html?ttft=300&tpot=25 reopens the same ranking.
    var params = new URLSearchParams(window.location.search);
    ["ttft", "tpot"].forEach(function (name) {
      if (params.get(name) !== null && parseFloat(params.get(name)) > 0) form.elements[name].value = params.get(name);
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("input", function () { apply(true); });
    apply(false);
  }

  // --- Charts -----------------------------------------------------------------------
  function initChart(div) {
    if (!window.Plotly) return;
    var spec = document.getElementById(div.getAttribute("data-figure"));
    var figure = JSON.parse(spec.textContent);
    window.Plotly.newPlot(div, figure.data, figure.layout, { displaylogo: false, responsive: true })
      .then(function () {
        div.setAttribute("data-drawn", "true");
        div.on("plotly_click", function (event) {
          var point = event.points && event.points[0];
          var links = (figure.layout.meta && figure.layout.meta.links) || [];
          var href = point && links[point.customdata];
          if (href) window.location.href = href;
        });
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
    document.querySelectorAll(".highlight").forEach(function (el) { el.classList.remove("highlight"); });
    target.classList.add("highlight");
    target.scrollIntoView({ block: "start" });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("table.sortable").forEach(initSortable);
    document.querySelectorAll("form[data-filters]").forEach(initFilters);
    document.querySelectorAll("form.slo-form").forEach(initSloForm);
    document.querySelectorAll("[data-figure]").forEach(initChart);
    document.querySelectorAll("a.permalink").forEach(function (a) {
      a.addEventListener("click", function (event) {
        event.preventDefault();
        var anchor = a.getAttribute("data-anchor");
        history.replaceState(null, "", "#" + anchor);
        highlightTarget();
        copyText(absoluteLink(anchor), a);
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
  });
})();
