// sitegen compare view: two runs' scorecards.json side by side, the selection kept in the URL.
(function () {
  "use strict";

  var index, form;

  // Every comparable value a run publishes in its metrics.json (site/compare.py), keyed by place:
  // section, runtime and cohort (model and workload), value. Each names its result's file and flag.
  function values(doc) {
    var out = {}, fields = doc.compare.fields, intervals = doc.compare.intervals || {};
    doc.compare.values.forEach(function (row) {
      var v = {};
      fields.forEach(function (name, i) { v[name] = row[i]; });
      v.group = v.runtime + "|" + v.cohort;
      v.ci95 = (intervals[v.file] || {})[v.key];  // a mean of repeats: its 95 % interval
      out[v.section + "|" + v.group + "|" + v.key] = v;
    });
    return out;
  }

  // Runtimes both runs measured but never under one cohort (another model, other settings).
  function apartText(va, vb, only) {
    function cohorts(values) {
      var out = {};
      Object.keys(values).forEach(function (k) {
        var v = values[k];
        if (only && v.runtime !== only) return;
        (out[v.runtime] = out[v.runtime] || {})[v.cohort] = true;
      });
      return out;
    }
    var ca = cohorts(va), cb = cohorts(vb), parts = [];
    Object.keys(ca).filter(function (r) { return r in cb; }).sort(collator.compare).forEach(function (r) {
      var a = Object.keys(ca[r]).sort(), b = Object.keys(cb[r]).sort();
      if (!a.some(function (c) { return b.indexOf(c) >= 0; })) parts.push(r + " " + a.join("/") + " vs " + b.join("/"));
    });
    return parts.length ? "; not compared, other model or settings: " + parts.join(", ") : "";
  }

  function cell(row, text, sort, className) {
    var td = row.insertCell();
    td.textContent = text;
    if (sort !== undefined) td.setAttribute("data-sort", sort);
    if (className) td.className = className;
    return td;
  }

  function format(x) { return Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(4).replace(/\.?0+$/, ""); }
  // " ± h (95 % CI)" beside a mean of repeats, whose file gave its interval.
  function interval(v) { return v.ci95 ? " ± " + format((v.ci95[1] - v.ci95[0]) / 2) : ""; }

  // Concurrency in numeric order (c=2 before c=16), then section, runtime, cohort, value name.
  var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
  function byPlace(x, y) {
    return (x.order - y.order) || collator.compare(x.section, y.section) ||
      collator.compare(x.runtime, y.runtime) || collator.compare(x.cohort, y.cohort) ||
      collator.compare(x.key, y.key);
  }

  function label(key) {
    var known = index.labels[key];
    return known ? known[0] + " (" + known[1] + ")" : key;
  }

  function percent(rel) {
    if (rel === null) return "–";
    if (Math.abs(rel) < 0.0005) return "±0.0%";
    return (rel > 0 ? "+" : "−") + Math.abs(rel * 100).toFixed(1) + "%";
  }

  function render(a, b, runtimeFilter) {
    var runA = a.run, runB = b.run;
    var va = values(a.doc), vb = values(b.doc);
    var sameMachine = runA.hardware === runB.hardware;
    var noise = sameMachine ? (index.noise[runA.hardware] || {}) : {};
    var keys = Object.keys(va).filter(function (k) { return k in vb; });
    keys.sort(function (k, l) { return byPlace(va[k], va[l]); });
    var runtimes = {};
    keys.forEach(function (k) { runtimes[va[k].runtime] = true; });
    var select = form.elements.runtime, current = runtimeFilter;
    while (select.options.length > 1) select.remove(1);
    Object.keys(runtimes).sort(collator.compare).forEach(function (r) { select.add(new Option(r, r)); });
    select.value = current in runtimes ? current : "";
    var body = document.querySelector("#compare-table tbody");
    body.textContent = "";
    var compared = 0, beyondList = [];
    // With no noise estimate for any value (e.g. two machines), nothing can be beyond noise:
    // every value is shown, whatever the box says.
    var estimated = keys.some(function (k) {
      var x = va[k];
      return (!select.value || x.runtime === select.value) && (noise[x.group] || {})[x.noise] !== undefined;
    });
    var onlyBeyond = form.elements.beyond.checked && estimated;
    // Runtimes of several models or workloads among the values: each row names its cohort.
    var cohorts = {};
    keys.forEach(function (k) { cohorts[va[k].cohort] = true; });
    var severalCohorts = Object.keys(cohorts).length > 1, flaggedCount = 0;
    keys.forEach(function (k) {
      var x = va[k], y = vb[k];
      if (select.value && x.runtime !== select.value) return;
      var delta = y.value - x.value;
      var rel = x.value !== 0 ? delta / Math.abs(x.value) : null;
      var higher = index.higher_is_better[x.key];
      var verdict = delta === 0 ? "same" : ((delta > 0) === higher ? "better" : "worse");
      // A flagged value (invalid, unreliable, few samples) is shown with its flag, never judged.
      var flag = [["A", x], ["B", y]].filter(function (p) { return p[1].flag; })
        .map(function (p) { return p[0] + " " + p[1].flag; }).join("; ");
      var note = x.engine && y.engine && x.engine !== y.engine ? "engine " + x.engine + " → " + y.engine : "";
      var threshold = (noise[x.group] || {})[x.noise];
      // Beyond noise: more than the history's threshold and more than the page's relative floor
      // of A (index.noise_min_relative: the rule of the hardware pages, written by the build).
      var beyond = !flag && threshold !== undefined && Math.abs(delta) > threshold &&
        Math.abs(delta) > index.noise_min_relative * Math.abs(x.value);
      compared += 1;
      if (flag) flaggedCount += 1;
      if (beyond) beyondList.push({ x: x, rel: rel, verdict: verdict });
      if (onlyBeyond && !beyond && !flag) return;
      var noiseText = flag || (threshold === undefined ? "no estimate" : (beyond ? "beyond noise" : "within noise"));
      var row = body.insertRow();
      row.setAttribute("data-key", k);
      row.setAttribute("data-noise", flag ? "flagged" : beyond ? "beyond" : (threshold === undefined ? "unknown" : "within"));
      cell(row, x.section, String(x.order).padStart(10, "0") + " " + x.section, "k-text");
      cell(row, severalCohorts ? x.runtime + " (" + x.cohort + ")" : x.runtime, undefined, "k-text");
      cell(row, label(x.key), undefined, "k-text");
      cell(row, format(x.value) + interval(x), String(x.value));
      cell(row, format(y.value) + interval(y), String(y.value));
      cell(row, (delta > 0 ? "+" : delta < 0 ? "−" : "±") + format(Math.abs(delta)), String(delta));
      cell(row, percent(rel), rel === null ? "" : String(rel));
      // A verdict is coloured only when the change is beyond noise: within it, it says nothing.
      cell(row, flag ? "not judged" :
        verdict + (beyond || threshold === undefined || verdict === "same" ? "" : " (within noise)"),
        undefined, "k-text" + (beyond ? " verdict-" + verdict : ""));
      cell(row, noiseText + (flag || threshold === undefined ? "" : " (±" + format(threshold) + ")") +
        (note ? " · " + note : ""), undefined, "k-text");
    });
    document.getElementById("compare-table").hidden = false;
    var summary = beyondList.length + (beyondList.length === 1 ? " change" : " changes") + " beyond noise";
    if (beyondList.length) {
      summary += ": " + beyondList.slice(0, 5).map(function (b) {
        var level = b.x.section.split(" c=")[1];
        return b.x.runtime + " " + label(b.x.key).split(" (")[0].toLowerCase() +
          (level ? " at c=" + level : "") + " " + percent(b.rel) + " (" + b.verdict + ")";
      }).join("; ") + (beyondList.length > 5 ? "; …" : "");
    }
    summary += ". " + compared + " values compared" + (sameMachine ? "" : " across two machines") +
      (!compared ? ": the two runs measured no runtime at a level both have" :
        estimated ? "" : ": no noise estimate for these runs, so every value is shown") +
      (flaggedCount ? "; " + flaggedCount + " flagged (invalid, unreliable or few samples): shown, never judged" : "") +
      apartText(va, vb, select.value);
    form.elements.status.value = summary;
    var links = document.getElementById("compare-links");
    links.textContent = "";
    [runA, runB].forEach(function (run, i) {
      var a = document.createElement("a");
      a.href = run.page; a.textContent = (i ? "B: " : "A: ") + run.id;
      links.appendChild(a);
      if (!i) links.appendChild(document.createTextNode(" · "));
    });
  }

  function load(run) {
    return fetch(run.metrics).then(function (r) { return r.json(); })
      .then(function (doc) { return { run: run, doc: doc }; });
  }

  function update(push) {
    var byId = {};
    index.runs.forEach(function (r) { byId[r.id] = r; });
    var a = byId[form.elements.a.value], b = byId[form.elements.b.value];
    if (!a || !b) return;
    var params = new URLSearchParams();
    params.set("a", a.id); params.set("b", b.id);
    if (form.elements.runtime.value) params.set("runtime", form.elements.runtime.value);
    if (!form.elements.beyond.checked) params.set("all", "1");
    if (push) history.replaceState(null, "", "?" + params.toString());
    form.elements.status.value = "loading…";
    Promise.all([load(a), load(b)]).then(function (docs) {
      render(docs[0], docs[1], form.elements.runtime.value);
    }, function () {
      form.elements.status.value = "Could not read the runs' metrics.json (opened from the file system? serve the site).";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    form = document.getElementById("compare-form");
    // Every run to pick from comes from compare/index.json: the page stays small however many runs.
    fetch(form.getAttribute("data-index")).then(function (r) { return r.json(); }).then(start, function () {
      form.elements.status.value = "Could not read the list of runs (opened from the file system? serve the site).";
    });
  });

  function start(loaded) {
    index = loaded;
    index.runs.forEach(function (r) {
      form.elements.a.add(new Option(r.label, r.id));
      form.elements.b.add(new Option(r.label, r.id));
    });
    var params = new URLSearchParams(window.location.search);
    var ids = index.runs.map(function (r) { return r.id; });
    form.elements.a.value = ids.indexOf(params.get("a")) >= 0 ? params.get("a") : ids[Math.min(1, ids.length - 1)];
    form.elements.b.value = ids.indexOf(params.get("b")) >= 0 ? params.get("b") : ids[0];
    form.elements.beyond.checked = params.get("all") !== "1";
    if (params.get("runtime")) {
      form.elements.runtime.add(new Option(params.get("runtime"), params.get("runtime")));
      form.elements.runtime.value = params.get("runtime");
    }
    form.addEventListener("change", function () { update(true); });
    update(false);
  }
})();
