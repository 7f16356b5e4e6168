// lr0 dashboard: polls the instance's query API every second and redraws the charts in place.
// window.lr0 exposes the charts and counters to the browser test.
"use strict";

const POLL_MS = 1000;
const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"];
const FRAMES = 4;
const state = { charts: {}, updates: 0, strip: [], errors: 0, source: null, frames: [], summary: [],
  seriesResolution: null, waiting: true, alerts: [], estimated: [] };
window.lr0 = state;

function resolutionName(resolution) {
  return resolution === null ? "native" : String(resolution);
}

function sortResolutions(names) {
  return [...new Set(names)].sort((a, b) =>
    (a === "native" ? Infinity : Number(a)) - (b === "native" ? Infinity : Number(b)));
}

/** A share in [0, 1] as a percentage; nothing for a missing one. */
function percent(value) {
  return value === null || value === undefined ? "" : (100 * value).toFixed(1) + "%";
}

async function getJson(path) {
  const response = await fetch(path, { cache: "no-store" });
  if (!response.ok) {
    throw new Error(path + ": HTTP " + response.status);
  }
  return response.json();
}

/** The colour of line {@code index} of {@code count}: the palette while it lasts, else hues spread evenly. */
function color(index, count = COLORS.length) {
  return count <= COLORS.length ? COLORS[index] : "hsl(" + Math.round(index * 360 / count) + ", 65%, 42%)";
}

/** Whether two series hold the same values (to the 4 decimals shown), gaps included. */
function sameSeries(a, b) {
  return a.every((value, i) => (value === null) === (b[i] === null) && (value === null || Math.abs(value - b[i]) < 5e-5));
}

/** Creates the chart the first time, then swaps its data: no flicker, no leaks. */
function drawChart(id, parent, title, config) {
  let chart = state.charts[id];
  if (!chart) {
    const card = document.createElement("div");
    card.className = "card";
    card.id = "card-" + id;
    card.innerHTML = "<h3></h3><canvas></canvas>";
    card.querySelector("h3").textContent = title;
    parent.appendChild(card);
    chart = new Chart(card.querySelector("canvas"), { ...config, options: { animation: false, ...config.options } });
    state.charts[id] = chart;
  } else {
    chart.data = config.data;
    chart.update("none");
  }
  return chart;
}

function drawDatasets(metrics) {
  const byDataset = new Map();
  for (const metric of metrics) {
    const key = metric.model + "/" + metric.dataset;
    if (!byDataset.has(key)) {
      byDataset.set(key, []);
    }
    byDataset.get(key).push(metric);
  }
  const parent = document.getElementById("datasets");
  // A camera's label space has no labelled images, so no accuracy: the camera view below shows it.
  const labelled = [...byDataset.entries()].filter(([, rows]) => rows.some(m => m.accuracyTop1 !== null));
  for (const [key, rows] of labelled.sort()) {
    const labels = sortResolutions(rows.map(m => resolutionName(m.resolution)));
    const methods = [...new Set(rows.map(m => m.srMethod))].sort();
    // The native variant is classified once (as bicubic): every method's line starts from that A_HR point.
    const value = (method, name, field) => {
      const row = rows.find(m => (m.srMethod === method || name === "native") && resolutionName(m.resolution) === name);
      return row && row[field] !== null ? row[field] : null;
    };
    drawChart("accuracy:" + key, parent, key + ": top-1 accuracy", {
      type: "line",
      data: {
        labels,
        datasets: methods.map((method, i) => ({
          label: "top-1 (" + method + ")", borderColor: color(i, methods.length),
          backgroundColor: color(i, methods.length),
          data: labels.map(name => value(method, name, "accuracyTop1")),
        })),
      },
      options: { scales: { x: { title: { display: true, text: "short side (px)" } }, y: { min: 0, max: 1 } } },
    });
    // Gamma equals gamma wherever the accuracy gap is large (its factor is then 1): one line says so; where they
    // differ, Gamma is dashed with triangles, so both can be told apart.
    drawChart("robustness:" + key, parent, key + ": \u03b3 and \u0393", {
      type: "line",
      data: {
        labels,
        datasets: methods.flatMap((method, i) => {
          const gamma = labels.map(n => value(method, n, "gamma"));
          const improved = labels.map(n => value(method, n, "improvedGamma"));
          const line = { borderColor: color(i, methods.length), backgroundColor: color(i, methods.length) };
          return sameSeries(gamma, improved)
            ? [{ ...line, label: "\u03b3 = \u0393 (" + method + ")", data: gamma }]
            : [{ ...line, label: "\u03b3 (" + method + ")", data: gamma },
               { ...line, label: "\u0393 (" + method + ")", data: improved, borderDash: [6, 4],
                 pointStyle: "triangle", pointRadius: 5 }];
        }),
      },
      options: { scales: { x: { title: { display: true, text: "short side (px)" } }, y: { suggestedMin: 0,
        suggestedMax: 1 } } },
    });
    drawCounterAnimal(key, rows, labels);
  }
}

function drawCounterAnimal(key, rows, labels) {
  const grouped = rows.filter(m => m.groupAccuracy && Object.keys(m.groupAccuracy).length > 0);
  if (grouped.length === 0) {
    return;
  }
  document.getElementById("counter-section").hidden = false;
  const groups = [...new Set(grouped.flatMap(m => Object.keys(m.groupAccuracy)))].sort();
  const method = grouped[0].srMethod;
  drawChart("counter:" + key, document.getElementById("counter"), key + ": class-balanced accuracy by group", {
    type: "bar",
    data: {
      labels,
      datasets: groups.map((group, i) => ({
        label: group, backgroundColor: color(i),
        data: labels.map(name => {
          const row = grouped.find(m => m.srMethod === method && resolutionName(m.resolution) === name);
          return row && row.groupAccuracy[group] !== undefined ? row.groupAccuracy[group] : null;
        }),
      })),
    },
    options: { scales: { y: { min: 0, max: 1 } } },
  });
}

/**
 * SAR and WAR per minute at one resolution (the picker's; the lowest by default): a line per model and method,
 * WAR solid, SAR dashed, or one "SAR = WAR" line where they are equal (a single dataset, or equal weights).
 */
function drawSeries(points) {
  const resolutions = [...new Set(points.filter(p => p.resolution !== null).map(p => p.resolution))]
    .sort((a, b) => a - b);
  const select = document.getElementById("series-resolution");
  if ([...select.options].map(o => o.value).join() !== resolutions.join()) {
    select.replaceChildren(...resolutions.map(r => new Option(r + " px", String(r))));
  }
  if (!resolutions.includes(state.seriesResolution)) {
    state.seriesResolution = resolutions.length > 0 ? resolutions[0] : null;
  }
  select.value = String(state.seriesResolution);
  const shown = points.filter(p => p.resolution === state.seriesResolution);
  const times = [...new Set(shown.map(p => p.windowStart))].sort((a, b) => a - b);
  // A line per method, named with its model only when more than one model is shown.
  const models = new Set(shown.map(p => p.model));
  const lineOf = p => (models.size > 1 ? p.model + " " : "") + p.srMethod;
  const lines = [...new Set(shown.map(lineOf))].sort();
  const valueAt = (line, t, measure) => {
    const hit = shown.find(p => p.windowStart === t && lineOf(p) === line);
    return hit && hit[measure] !== null ? hit[measure] : null;
  };
  const datasets = lines.flatMap((line, i) => {
    const war = times.map(t => valueAt(line, t, "war"));
    const sar = times.map(t => valueAt(line, t, "sar"));
    const style = { borderColor: color(i, lines.length), backgroundColor: color(i, lines.length), spanGaps: true,
      pointRadius: 3 };
    return sameSeries(sar, war)
      ? [{ ...style, label: "SAR = WAR (" + line + ")", data: war }]
      : [{ ...style, label: "WAR (" + line + ")", data: war },
         { ...style, label: "SAR (" + line + ")", data: sar, borderDash: [6, 4] }];
  });
  const chart = state.charts.series;
  chart.data = { labels: times.map(t => new Date(t).toLocaleTimeString()), datasets };
  chart.options.plugins.title.text = state.seriesResolution === null
    ? "no low-resolution windows yet" : "at " + state.seriesResolution + " px, per minute";
  chart.update("none");
}

/** The top-1 softmax score of a prediction. */
function confidence(p) {
  const top = p.topK.find(s => s.label === p.predicted);
  return top ? top.score : null;
}

/** One prediction as a card: its thumbnail, the class predicted, a detail line; {@code kind} colours its border. */
function predictionCard(p, kind, labelText, detailText) {
  const item = document.createElement("div");
  item.className = "prediction " + kind;
  item.dataset.key = p.variantKey + "/" + p.srMethod;
  const image = document.createElement("img");
  if (p.thumbnail) {
    image.src = "data:image/png;base64," + p.thumbnail;
  }
  image.alt = p.imageId;
  const label = document.createElement("div");
  label.className = "label";
  label.textContent = labelText;
  const detail = document.createElement("div");
  detail.textContent = detailText;
  item.append(image, label, detail);
  return item;
}

function drawStrip(predictions) {
  document.getElementById("strip").replaceChildren(...predictions.map(p => predictionCard(
    p,
    p.correct === true ? "right" : p.correct === false ? "wrong" : "",
    (p.correct === true ? "\u2713 " : p.correct === false ? "\u2717 " : "") + p.predicted,
    resolutionName(p.resolution) + (p.label ? " \u00b7 " + p.label : ""))));
  state.strip = predictions.map(p => p.variantKey);
}

// Sources without a dataset of their own: cameras, pushed images and watched folders, named as
// io.lr0.contract.Sources builds them. Datasets have the view above.
function isLive(source) {
  return source.startsWith("camera:") || source.startsWith("http:") || source.startsWith("watch:");
}

/** Fills the source picker from the live sources that have agreement; returns the one shown (null: none yet). */
function pickSource(agreement) {
  const sources = [...new Set(agreement.map(m => m.source))].filter(isLive).sort();
  if (sources.length === 0) {
    return null;
  }
  document.getElementById("camera-section").hidden = false;
  const select = document.getElementById("source");
  if ([...select.options].map(o => o.value).join("\n") !== sources.join("\n")) {
    select.replaceChildren(...sources.map(source => new Option(source, source)));
  }
  if (!sources.includes(state.source)) {
    showSource(sources[0]);
  }
  select.value = state.source;
  return state.source;
}

/** Switches the camera view to another source: its charts are drawn afresh by the next poll. */
function showSource(source) {
  state.source = source;
  for (const id of Object.keys(state.charts).filter(id => id.startsWith("camera-"))) {
    state.charts[id].destroy();
    delete state.charts[id];
  }
  document.getElementById("camera").replaceChildren();
  document.getElementById("frames").replaceChildren();
  document.getElementById("camera-summary").replaceChildren();
  state.frames = [];
  state.summary = [];
}

/** The latest frames of the source: the native prediction, then each resolution's, marked agree or disagree. */
function drawFrames(predictions) {
  const byImage = new Map();
  for (const p of predictions) {
    if (!byImage.has(p.imageId)) {
      byImage.set(p.imageId, []);
    }
    byImage.get(p.imageId).push(p);
  }
  const frames = [...byImage.values()]
    .filter(variants => variants.some(p => p.resolution === null))
    .sort((a, b) => b[0].captureTimestamp - a[0].captureTimestamp)
    .slice(0, FRAMES);
  document.getElementById("frames").replaceChildren(...frames.map(variants => {
    const native = variants.find(p => p.resolution === null);
    const lowRes = variants.filter(p => p.resolution !== null)
      .sort((a, b) => b.resolution - a.resolution || a.srMethod.localeCompare(b.srMethod));
    const row = document.createElement("div");
    row.className = "frame";
    row.dataset.image = native.imageId;
    const time = document.createElement("div");
    time.className = "time";
    time.textContent = new Date(native.captureTimestamp).toLocaleTimeString();
    const score = p => (100 * confidence(p)).toFixed(0) + "%";
    row.append(time, predictionCard(native, "native", native.predicted, "native \u00b7 " + score(native)),
      ...lowRes.map(p => predictionCard(p, p.predicted === native.predicted ? "agree" : "disagree", p.predicted,
        p.resolution + " " + p.srMethod + " \u00b7 " + score(p))));
    return row;
  }));
  state.frames = frames.map(variants => variants[0].imageId);
}

/** The source's agreement across resolutions since the start, one line per model and method. */
function drawCameraSummary(summaries) {
  document.getElementById("camera-summary").replaceChildren(...summaries.map(s => {
    const line = document.createElement("p");
    line.textContent = s.model + " (" + s.srMethod + "), across " + s.resolutions.join("/") + " px: top-1 agreement "
      + percent(s.meanAgreementTop1) + ", top-k overlap " + percent(s.meanTop5Overlap) + ", confidence "
      + percent(s.meanConfidence) + " (native " + percent(s.nativeMeanConfidence) + "), " + s.samples + " pairs";
    return line;
  }));
  state.summary = summaries.map(s => ({ key: s.model + "/" + s.srMethod, agreement: s.meanAgreementTop1 }));
}

/** Agreement per resolution since the start, and agreement and confidence per window, of the source shown. */
function drawCameraCharts(source, agreement, series, summarySeries) {
  const parent = document.getElementById("camera");
  const rows = agreement.filter(m => m.source === source);
  // The model is named only when the source was classified by more than one.
  const models = new Set(rows.map(m => m.model));
  const method = m => (models.size > 1 ? m.model + " " : "") + m.srMethod;
  const cell = m => m.resolution + " px " + method(m);
  const labels = [...new Set(rows.map(m => m.resolution))].sort((a, b) => a - b).map(String);
  const methods = [...new Set(rows.map(method))].sort();
  const at = (name, resolution, field) => {
    const row = rows.find(m => method(m) === name && String(m.resolution) === resolution);
    return row ? row[field] : null;
  };
  drawChart("camera-agreement", parent, source + ": agreement with native", {
    type: "line",
    data: {
      labels,
      datasets: methods.flatMap((name, i) => [
        { label: "top-1 agreement (" + name + ")", borderColor: color(i), backgroundColor: color(i),
          data: labels.map(r => at(name, r, "agreementTop1")) },
        { label: "top-k overlap (" + name + ")", borderColor: color(i), borderDash: [6, 4],
          data: labels.map(r => at(name, r, "top5Overlap")) },
      ]),
    },
    options: { scales: { x: { title: { display: true, text: "short side (px)" } }, y: { min: 0, max: 1 } } },
  });
  const times = [...new Set(series.map(m => m.windowStart))].sort((a, b) => a - b);
  const timeLabels = times.map(t => new Date(t).toLocaleTimeString());
  const names = [...new Set(series.map(cell))].sort();
  // One point per window: the row that `nameOf` calls `name`, or a gap where the window has none.
  const overTime = (rows, nameOf, name, field) => times.map(t => {
    const hit = rows.find(m => m.windowStart === t && nameOf(m) === name);
    return hit ? hit[field] : null;
  });
  // The mean across resolutions per method, drawn thicker over the resolutions' own lines.
  const meanNames = [...new Set(summarySeries.map(method))].sort();
  drawChart("camera-agreement-series", parent, source + ": top-1 agreement over time", {
    type: "line",
    data: { labels: timeLabels, datasets: [
      ...names.map((name, i) => ({ label: name, borderColor: color(i),
        data: overTime(series, cell, name, "agreementTop1") })),
      ...meanNames.map(name => ({ label: "mean " + name, borderColor: "#1d2330", borderWidth: 3,
        borderDash: name.endsWith("liif") ? [6, 4] : [],
        data: overTime(summarySeries, method, name, "meanAgreementTop1") })),
    ] },
    options: { scales: { y: { min: 0, max: 1 } }, plugins: { legend: { position: "bottom" } } },
  });
  // Every method pairs the same frames with their native predictions: one summary's native confidence is the line.
  const nativeConfidence =
    meanNames.length === 0 ? [] : overTime(summarySeries, method, meanNames[0], "nativeMeanConfidence");
  drawChart("camera-confidence-series", parent, source + ": mean top-1 confidence over time", {
    type: "line",
    data: { labels: timeLabels, datasets: [
      { label: "native", borderColor: "#1d2330", data: nativeConfidence },
      ...names.map((name, i) => ({ label: name, borderColor: color(i),
        data: overTime(series, cell, name, "meanConfidence") })),
    ] },
    options: { scales: { y: { min: 0, max: 1 } }, plugins: { legend: { position: "bottom" } } },
  });
}

/** A model's subject as a rule sees it: the source (and group) or the dataset, the resolution and method. */
function subject(alert) {
  const of = alert.source !== null ? alert.source + (alert.group !== null ? "#" + alert.group : "") : alert.dataset;
  return alert.model + " on " + of + " at " + resolutionName(alert.resolution) + " (" + alert.srMethod + ")";
}

/** Every rule's state on every subject, firing ones first. */
function drawAlerts(alerts) {
  state.alerts = alerts;
  document.getElementById("alerts-section").hidden = alerts.length === 0;
  const sorted = [...alerts].sort((a, b) =>
    (a.status === "firing" ? 0 : 1) - (b.status === "firing" ? 0 : 1) || a.key.localeCompare(b.key));
  const list = document.getElementById("alerts");
  list.replaceChildren(...sorted.map(alert => {
    const row = document.createElement("div");
    row.className = "alert " + alert.status;
    row.dataset.key = alert.key;
    const since = alert.since ? " since " + new Date(alert.since).toLocaleTimeString() : "";
    const levels = alert.threshold !== undefined
      ? " \u00b7 fires below " + percent(alert.threshold) + " for " + alert.windows + " windows, resolves at "
        + percent(alert.resolveAt)
      : "";
    row.textContent = (alert.status === "firing" ? "FIRING" : "ok") + since + " \u00b7 " + alert.rule + ": "
      + alert.measure + " of " + subject(alert) + " = " + percent(alert.value) + " (" + alert.samples
      + " predictions in the latest window)" + levels;
    return row;
  }));
}

/** The latest estimates: a row per model, dataset, source and method, a column per resolution. */
function drawEstimated(estimates) {
  state.estimated = estimates;
  document.getElementById("estimated-section").hidden = estimates.length === 0;
  const resolutions = sortResolutions(estimates.map(e => resolutionName(e.resolution)));
  const rows = new Map();
  for (const e of estimates) {
    const key = [e.model, e.dataset, e.source + (e.group !== null ? "#" + e.group : ""), e.srMethod].join(" \u00b7 ");
    if (!rows.has(key)) {
      rows.set(key, new Map());
    }
    rows.get(key).set(resolutionName(e.resolution), e);
  }
  const table = document.getElementById("estimated");
  const header = document.createElement("tr");
  for (const name of ["model \u00b7 dataset \u00b7 source \u00b7 method", ...resolutions]) {
    const th = document.createElement("th");
    th.textContent = name;
    header.append(th);
  }
  const body = [...rows.keys()].sort().map(key => {
    const tr = document.createElement("tr");
    const th = document.createElement("th");
    th.textContent = key;
    tr.append(th);
    for (const name of resolutions) {
      const td = document.createElement("td");
      const e = rows.get(key).get(name);
      if (e) {
        td.textContent = percent(e.estimatedTop1) + (e.measuredTop1 !== null ? " [" + percent(e.measuredTop1) + "]" : "");
        td.title = e.samples + " predictions; calibration of " + e.calibrationVersion + " labelled, threshold "
          + e.threshold.toFixed(3);
      }
      tr.append(td);
    }
    return tr;
  });
  table.replaceChildren(header, ...body);
}

async function poll() {
  try {
    const [metrics, series, recent, agreement, alerts, estimated] = await Promise.all([
      getJson("/api/metrics"), getJson("/api/summary/windowed"), getJson("/api/predictions/recent?limit=24"),
      getJson("/api/agreement"), getJson("/api/alerts"), getJson("/api/estimated")]);
    drawAlerts(alerts);
    drawEstimated(estimated);
    drawDatasets(metrics);
    drawSeries(series);
    drawStrip(recent);
    const source = pickSource(agreement);
    if (source !== null) {
      const query = "source=" + encodeURIComponent(source);
      const [frames, windows, summaries, summaryWindows] = await Promise.all([
        getJson("/api/predictions/recent?limit=200&" + query), getJson("/api/agreement/windowed?" + query),
        getJson("/api/agreement/summary?" + query), getJson("/api/agreement/summary/windowed?" + query)]);
      // The picker may have moved on while these were fetched: draw only what is still shown.
      if (source === state.source) {
        drawFrames(frames);
        drawCameraSummary(summaries);
        drawCameraCharts(source, agreement, windows, summaryWindows);
      }
    }
    state.updates++;
    // Until the first prediction, say what the page waits for and how to feed it.
    state.waiting = metrics.length === 0 && recent.length === 0 && agreement.length === 0;
    document.getElementById("waiting").hidden = !state.waiting;
    document.getElementById("status").textContent = state.waiting
      ? "connected \u00b7 waiting for the first predictions"
      : "updated " + new Date().toLocaleTimeString() + " \u00b7 " + metrics.length + " metrics \u00b7 "
        + recent.length + " recent predictions";
  } catch (error) {
    state.errors++;
    document.getElementById("status").textContent = "waiting for the API: " + error.message;
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

document.getElementById("source").addEventListener("change", event => showSource(event.target.value));
document.getElementById("series-resolution").addEventListener("change", event => {
  state.seriesResolution = Number(event.target.value);
});
// The series chart has a fixed canvas in the page. SAR and WAR may pass 1 (a resolution above native's accuracy).
state.charts.series = new Chart(document.getElementById("series"), { type: "line", data: { labels: [], datasets: [] },
  options: { animation: false, scales: { y: { suggestedMin: 0, suggestedMax: 1 } },
    plugins: { legend: { position: "right" }, title: { display: true, text: "" } } } });
poll();
