// lr0 dashboard: polls the instance's query API every second and redraws the charts in place.
// window.lr0 exposes the charts and counters to the browser test.
"use strict";

const POLL_MS = 1000;
const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"];
const state = { charts: {}, updates: 0, strip: [], errors: 0 };
window.lr0 = state;

function resolutionName(resolution) {
  return resolution === null ? "native" : String(resolution);
}

function sortResolutions(names) {
  return [...new Set(names)].sort((a, b) =>
    (a === "native" ? Infinity : Number(a)) - (b === "native" ? Infinity : Number(b)));
}

async function getJson(path) {
  const response = await fetch(path, { cache: "no-store" });
  if (!response.ok) {
    throw new Error(path + ": HTTP " + response.status);
  }
  return response.json();
}

function color(index) {
  return COLORS[index % COLORS.length];
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
  for (const [key, rows] of [...byDataset.entries()].sort()) {
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
          label: "top-1 (" + method + ")", borderColor: color(i), backgroundColor: color(i),
          data: labels.map(name => value(method, name, "accuracyTop1")),
        })),
      },
      options: { scales: { x: { title: { display: true, text: "short side (px)" } }, y: { min: 0, max: 1 } } },
    });
    drawChart("robustness:" + key, parent, key + ": \u03b3 and \u0393", {
      type: "line",
      data: {
        labels,
        datasets: methods.flatMap((method, i) => [
          { label: "\u03b3 (" + method + ")", borderColor: color(i), data: labels.map(n => value(method, n, "gamma")) },
          { label: "\u0393 (" + method + ")", borderColor: color(i), borderDash: [6, 4],
            data: labels.map(n => value(method, n, "improvedGamma")) },
        ]),
      },
      options: { scales: { x: { title: { display: true, text: "short side (px)" } }, y: { min: 0 } } },
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

function drawSeries(points) {
  const series = new Map();
  for (const point of points) {
    if (point.resolution === null) {
      continue;
    }
    for (const measure of ["war", "sar"]) {
      const name = measure.toUpperCase() + " " + point.model + " @" + point.resolution + " (" + point.srMethod + ")";
      if (!series.has(name)) {
        series.set(name, []);
      }
      if (point[measure] !== null) {
        series.get(name).push({ x: point.windowStart, y: point[measure] });
      }
    }
  }
  const times = [...new Set(points.map(p => p.windowStart))].sort((a, b) => a - b);
  const labels = times.map(t => new Date(t).toLocaleTimeString());
  const datasets = [...series.entries()].sort().map(([name, data], i) => ({
    label: name, borderColor: color(i), borderDash: name.startsWith("SAR") ? [6, 4] : [],
    data: times.map(t => { const hit = data.find(d => d.x === t); return hit ? hit.y : null; }),
  }));
  drawChart("series", null, "", { type: "line", data: { labels, datasets },
    options: { scales: { y: { min: 0 } }, plugins: { legend: { position: "right" } } } });
}

function drawStrip(predictions) {
  const strip = document.getElementById("strip");
  strip.replaceChildren(...predictions.map(p => {
    const item = document.createElement("div");
    item.className = "prediction " + (p.correct === true ? "right" : p.correct === false ? "wrong" : "");
    item.dataset.key = p.variantKey;
    const image = document.createElement("img");
    if (p.thumbnail) {
      image.src = "data:image/png;base64," + p.thumbnail;
    }
    image.alt = p.imageId;
    const label = document.createElement("div");
    label.className = "label";
    label.textContent = (p.correct === true ? "\u2713 " : p.correct === false ? "\u2717 " : "") + p.predicted;
    const detail = document.createElement("div");
    detail.textContent = resolutionName(p.resolution) + (p.label ? " \u00b7 " + p.label : "");
    item.append(image, label, detail);
    return item;
  }));
  state.strip = predictions.map(p => p.variantKey);
}

async function poll() {
  try {
    const [metrics, series, recent] = await Promise.all([
      getJson("/api/metrics"), getJson("/api/summary/windowed"), getJson("/api/predictions/recent?limit=24")]);
    drawDatasets(metrics);
    drawSeries(series);
    drawStrip(recent);
    state.updates++;
    document.getElementById("status").textContent = "updated " + new Date().toLocaleTimeString() + " \u00b7 "
      + metrics.length + " metrics \u00b7 " + recent.length + " recent predictions";
  } catch (error) {
    state.errors++;
    document.getElementById("status").textContent = "waiting for the API: " + error.message;
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

// The series chart has a fixed canvas in the page.
const seriesCanvas = document.getElementById("series");
state.charts.series = new Chart(seriesCanvas, { type: "line", data: { labels: [], datasets: [] },
  options: { animation: false, scales: { y: { min: 0 } }, plugins: { legend: { position: "right" } } } });
poll();
