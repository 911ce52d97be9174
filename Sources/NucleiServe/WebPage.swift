/// The page `GET /` serves: one HTML document with its style and script inline, so it works on a
/// machine with no network (no CDN, no fonts from elsewhere). It speaks only the JSON API.
enum WebPage {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>NucleiSeg</title>
<style>
  :root { --accent: #1f6feb; --bg: #f6f7f9; --panel: #fff; --line: #d8dce2; --text: #1d2128; --muted: #5d6673; --bad: #b42318; }
  * { box-sizing: border-box; }
  [hidden] { display: none !important; }
  html, body { margin: 0; height: 100%; }
  body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--text); background: var(--bg); display: flex; flex-direction: column; }
  header { display: flex; align-items: baseline; gap: 14px; padding: 10px 18px; background: #10243e; color: #fff; }
  header h1 { font-size: 18px; margin: 0; }
  header .sub { color: #b9c6d8; font-size: 13px; }
  header #health { margin-left: auto; color: #b9c6d8; font-size: 12px; }
  main { flex: 1; min-height: 0; display: grid; grid-template-columns: 260px minmax(0, 1fr) 450px; gap: 12px; padding: 12px; }
  .panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; min-height: 0; }
  aside { display: flex; flex-direction: column; gap: 10px; padding: 12px; overflow-y: auto; overflow-x: hidden; }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  #drop { display: block; border: 2px dashed #9aa7b8; border-radius: 8px; padding: 18px 10px; text-align: center; color: var(--muted); cursor: pointer; }
  #drop.over { border-color: var(--accent); background: #eaf2ff; color: var(--accent); }
  #drop strong { color: var(--text); }
  fieldset { border: 1px solid var(--line); border-radius: 8px; margin: 0; padding: 8px 10px 10px; min-width: 0; }
  legend { color: var(--muted); font-size: 12px; padding: 0 4px; }
  .row { display: flex; align-items: center; justify-content: space-between; gap: 8px; margin: 5px 0; }
  .row input[type=number] { width: 72px; }
  .row input[type=range] { width: 96px; }
  output { font-variant-numeric: tabular-nums; min-width: 2.6em; text-align: right; }
  button { font: inherit; padding: 5px 10px; border-radius: 6px; border: 1px solid var(--line); background: #fff; cursor: pointer; }
  button:hover { border-color: var(--accent); }
  #files { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 4px; }
  #files li { padding: 6px 8px; border-radius: 6px; border: 1px solid transparent; cursor: pointer; display: flex; justify-content: space-between; gap: 6px; }
  #files li:hover { background: #f0f3f7; }
  #files li.selected { border-color: var(--accent); background: #eaf2ff; }
  #files .name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  #files .state { color: var(--muted); white-space: nowrap; font-variant-numeric: tabular-nums; }
  #files li.failed .state { color: var(--bad); }
  #viewer { display: flex; flex-direction: column; padding: 12px; gap: 8px; }
  #summary { display: flex; align-items: baseline; gap: 12px; flex-wrap: wrap; min-width: 0; }
  #image-name { font-weight: 600; max-width: 100%; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  #count-line { font-size: 20px; }
  #count { font-weight: 700; color: var(--accent); }
  #details { color: var(--muted); }
  #progress { display: flex; align-items: center; gap: 10px; }
  #progress[hidden], #error[hidden], #count-line[hidden] { display: none; }
  .bar { width: 220px; height: 8px; background: #e3e8ef; border-radius: 4px; overflow: hidden; position: relative; }
  .bar .fill { height: 100%; width: 0; background: var(--accent); transition: width .2s; }
  .bar.indeterminate .fill { width: 35%; position: absolute; animation: slide 1.2s ease-in-out infinite; }
  @keyframes slide { from { left: -35%; } to { left: 100%; } }
  #error { color: var(--bad); background: #fef3f2; border: 1px solid #fecdca; border-radius: 6px; padding: 8px 10px; white-space: pre-wrap; }
  #image-box { flex: 1; min-height: 0; display: flex; align-items: center; justify-content: center; background: #0d1117; border-radius: 6px; overflow: hidden; }
  #image-box .hint { color: #8b949e; }
  #overlay { max-width: 100%; max-height: 100%; object-fit: contain; cursor: zoom-in; }
  #overlay.small { image-rendering: pixelated; }
  #downloads { display: flex; gap: 8px; flex-wrap: wrap; align-items: center; }
  #downloads a, #download-all { color: var(--accent); text-decoration: none; border: 1px solid var(--line); border-radius: 6px; padding: 4px 9px; }
  #downloads a:hover, #download-all:hover { border-color: var(--accent); }
  #table-panel { display: flex; flex-direction: column; padding: 12px; }
  #table-panel h2 { font-size: 14px; margin: 0 0 6px; }
  .table-wrap { flex: 1; min-height: 0; overflow: auto; border-top: 1px solid var(--line); }
  table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; font-size: 12px; }
  th, td { padding: 3px 4px; text-align: right; border-bottom: 1px solid #eef0f3; white-space: nowrap; }
  th { position: sticky; top: 0; background: #f3f5f8; cursor: pointer; user-select: none; font-weight: 600; }
  th:hover { color: var(--accent); }
  th.asc::after { content: " \25B2"; font-size: 9px; }
  th.desc::after { content: " \25BC"; font-size: 9px; }
  @media (max-width: 1100px) { main { grid-template-columns: 240px minmax(0, 1fr); grid-template-rows: minmax(0, 1fr) 240px; } #table-panel { grid-column: 1 / -1; } }
</style>
</head>
<body>
<header>
  <h1>NucleiSeg</h1>
  <span class="sub">nucleus segmentation on this computer &mdash; images never leave it</span>
  <span id="health">connecting&hellip;</span>
</header>
<main>
  <aside class="panel">
    <label id="drop" for="file-input"><strong>Drop PNG or TIFF images here</strong><br>or click to choose (8/16-bit, any size)</label>
    <input type="file" id="file-input" class="visually-hidden" multiple accept=".png,.tif,.tiff,image/png,image/tiff">
    <fieldset id="options">
      <legend>Options: a change re-runs the shown image</legend>
      <div class="row"><label for="opt-min-area">Min area (px)</label><input type="number" id="opt-min-area" min="0" step="1" value="8"></div>
      <div class="row"><label for="opt-split">Split touching nuclei</label><input type="checkbox" id="opt-split" checked></div>
      <div class="row"><label for="opt-fill-holes">Fill holes</label><input type="checkbox" id="opt-fill-holes" checked></div>
      <div class="row"><label for="opt-threshold">Threshold</label><input type="range" id="opt-threshold" min="0.05" max="0.95" step="0.05" value="0.5"><output id="opt-threshold-value">0.50</output></div>
      <div class="row" id="interior-row" hidden><label for="opt-interior">Interior threshold</label><input type="range" id="opt-interior" min="0.05" max="0.95" step="0.05" value="0.5"><output id="opt-interior-value">0.50</output></div>
      <div class="row" id="diameter-row" hidden><label for="opt-diameter">Nucleus diameter (px, auto, or empty for native size)</label><input type="text" id="opt-diameter" size="6" placeholder="native"></div>
      <div class="row"><label for="opt-tta">Test-time augmentation (8&times; slower)</label><input type="checkbox" id="opt-tta"></div>
      <div class="row"><button id="rerun-all" type="button">Re-run all images</button></div>
    </fieldset>
    <ul id="files" aria-label="images"></ul>
    <a id="download-all" href="#" hidden>Download all results (zip)</a>
  </aside>
  <section id="viewer" class="panel">
    <div id="summary">
      <span id="image-name">No image yet</span>
      <span id="count-line" hidden><span id="count"></span> nuclei</span>
      <span id="details"></span>
    </div>
    <div id="progress" hidden><div class="bar" id="progress-bar"><div class="fill"></div></div><span id="progress-text"></span></div>
    <div id="error" role="alert" hidden></div>
    <div id="image-box"><span class="hint">The image with every nucleus outlined appears here.</span><img id="overlay" alt="image with nuclei outlined" hidden></div>
    <div id="downloads"></div>
  </section>
  <section id="table-panel" class="panel">
    <h2>Measurements <span id="table-note" style="font-weight:normal;color:var(--muted)"></span></h2>
    <div class="table-wrap"><table id="measurements"><thead></thead><tbody></tbody></table></div>
  </section>
</main>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
const items = [];          // {file, name, state, result, error, progress}
let selected = -1;
let running = false;
let maxUploadBytes = Infinity;
let sort = { column: 0, ascending: true };

fetch("/api/health").then(r => r.json()).then(h => {
  maxUploadBytes = h.maxUploadBytes;
  $("health").textContent = `model: ${h.head} head, ${h.mode} · uploads up to ${Math.round(h.maxUploadBytes / 1048576)} MB`;
  if (h.head === "contour") $("interior-row").hidden = false;
  if (h.defaults) {
    $("opt-threshold").value = h.defaults.threshold;
    $("opt-interior").value = h.defaults.interior_threshold;
    $("opt-threshold-value").textContent = Number($("opt-threshold").value).toFixed(2);
    $("opt-interior-value").textContent = Number($("opt-interior").value).toFixed(2);
  }
  if (h.modelDiameter) {
    $("diameter-row").hidden = false;
    $("opt-diameter").title = `the model was trained on nuclei about ${h.modelDiameter.toFixed(1)} px across`;
  }
}).catch(() => { $("health").textContent = "server not reachable"; });

function settingsQuery() {
  const p = new URLSearchParams();
  p.set("min_area", String(Math.max(0, parseInt($("opt-min-area").value || "0", 10) || 0)));
  p.set("split", $("opt-split").checked ? "true" : "false");
  p.set("fill_holes", $("opt-fill-holes").checked ? "true" : "false");
  p.set("threshold", $("opt-threshold").value);
  if (!$("interior-row").hidden) p.set("interior_threshold", $("opt-interior").value);
  p.set("tta", $("opt-tta").checked ? "true" : "false");
  const diameter = $("opt-diameter").value.trim();
  if (diameter && !$("diameter-row").hidden) p.set("diameter", diameter);
  return p;
}

function addFiles(files) {
  for (const file of files) items.push({ file, name: file.name, state: "waiting", result: null, error: null, progress: "" });
  if (selected < 0 && items.length) selected = 0;
  renderList(); renderSelected(); pump();
}

function pump() {
  if (running) return;
  const next = items.findIndex(i => i.state === "waiting");
  if (next < 0) { renderDownloadAll(); return; }
  running = true;
  segment(items[next]).finally(() => { running = false; pump(); });
}

function segment(item) {
  return new Promise((resolve) => {
    item.error = null;
    if (item.file.size > maxUploadBytes) {
      item.state = "failed";
      item.error = `${item.name}: ${(item.file.size / 1048576).toFixed(1)} MB is over this server's limit of ${Math.round(maxUploadBytes / 1048576)} MB (start it with --max-upload-mb to change it)`;
      update(item); resolve(); return;
    }
    const query = settingsQuery();
    query.set("name", item.name);
    const xhr = new XMLHttpRequest();
    const started = performance.now();
    let timer = null;
    item.state = "uploading"; item.progress = "uploading 0%"; update(item);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) { item.progress = `uploading ${Math.round(100 * e.loaded / e.total)}%`; item.fraction = e.loaded / e.total; update(item); }
    };
    xhr.upload.onload = () => {
      item.state = "running"; item.fraction = null;
      const tick = () => { item.progress = `segmenting… ${((performance.now() - started) / 1000).toFixed(1)} s`; update(item); };
      tick(); timer = setInterval(tick, 250);
    };
    xhr.onload = () => {
      clearInterval(timer);
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
      if (xhr.status === 200 && body) {
        item.state = "done"; item.result = body; item.clientSeconds = (performance.now() - started) / 1000;
      } else {
        item.state = "failed";
        item.error = body && body.error ? body.error : `${item.name}: the server answered ${xhr.status}`;
      }
      update(item); resolve();
    };
    xhr.onerror = () => {
      clearInterval(timer);
      item.state = "failed"; item.error = `${item.name}: the upload failed (server stopped or refused the connection)`;
      update(item); resolve();
    };
    xhr.open("POST", "/api/segment?" + query.toString());
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.send(item.file);
  });
}

function update(item) {
  renderList();
  if (items[selected] === item) renderSelected();
}

function stateText(item) {
  switch (item.state) {
    case "waiting": return "waiting";
    case "uploading": case "running": return item.progress;
    case "done": return `${item.result.count} nuclei`;
    default: return "failed";
  }
}

function renderList() {
  // Rows are updated in place (progress ticks 4 times a second), so a click never hits a row
  // that was just replaced.
  const list = $("files");
  while (list.children.length > items.length) list.lastChild.remove();
  items.forEach((item, index) => {
    let li = list.children[index];
    if (!li) {
      li = document.createElement("li");
      const name = document.createElement("span"); name.className = "name";
      const state = document.createElement("span"); state.className = "state";
      li.append(name, state);
      li.onclick = () => { selected = Number(li.dataset.index); renderList(); renderSelected(); };
      list.append(li);
    }
    li.className = (index === selected ? "selected " : "") + item.state;
    li.dataset.index = String(index);
    li.firstChild.textContent = item.name; li.firstChild.title = item.name;
    li.lastChild.textContent = stateText(item);
  });
}

function renderSelected() {
  const item = items[selected];
  const busy = item && (item.state === "uploading" || item.state === "running");
  $("progress").hidden = !busy;
  if (busy) {
    const bar = $("progress-bar");
    bar.classList.toggle("indeterminate", item.fraction == null);
    bar.querySelector(".fill").style.width = item.fraction == null ? "" : `${Math.round(100 * item.fraction)}%`;
    $("progress-text").textContent = item.progress;
  }
  $("error").hidden = !(item && item.error);
  $("error").textContent = item && item.error ? item.error : "";
  if (!item) return;
  $("image-name").textContent = item.name;
  const result = item.result;
  if (!result || busy || item.error) {
    if (!result || item.error) { $("count-line").hidden = true; $("details").textContent = ""; }
    if (!result) {
      $("overlay").hidden = true;
      document.querySelector("#image-box .hint").hidden = false;
      $("downloads").replaceChildren(); renderTable(null);
    }
    return;
  }
  $("count").textContent = String(result.count);
  $("count-line").hidden = false;
  $("details").textContent = `${result.width}×${result.height} px · ${result.seconds.toFixed(2)} s on the server`;
  const img = $("overlay");
  img.hidden = !img.dataset.loaded;
  img.title = "click to open at full size";
  img.onclick = () => window.open(result.files.overlay, "_blank");
  if (img.dataset.resultId !== result.id) {
    img.removeAttribute("data-loaded");
    img.dataset.resultId = result.id;
    img.onload = () => {
      img.hidden = false;
      document.querySelector("#image-box .hint").hidden = true;
      const box = $("image-box");
      img.classList.toggle("small", img.naturalWidth < box.clientWidth / 1.5 && img.naturalHeight < box.clientHeight / 1.5);
      if (img.naturalWidth < box.clientWidth && img.naturalHeight < box.clientHeight) {
        const scale = Math.min(box.clientWidth / img.naturalWidth, box.clientHeight / img.naturalHeight);
        img.style.width = `${Math.floor(img.naturalWidth * scale)}px`;
      } else { img.style.width = ""; }
      img.dataset.loaded = result.id;
    };
    img.src = result.files.overlay;
  }
  const links = [["labels", "Labels (16-bit PNG)"], ["csv", "Measurements (CSV)"], ["tiff", "Labels (TIFF, Fiji/napari)"], ["rois", "Fiji ROIs (zip)"], ["geojson", "QuPath (GeoJSON)"], ["mask", "Mask"], ["overlay", "Overlay"], ["zip", "Everything (zip)"]];
  $("downloads").replaceChildren(...links.filter(([kind]) => result.files[kind]).map(([kind, label]) => {
    const a = document.createElement("a");
    a.id = `download-${kind}`;
    a.href = result.files[kind] + (kind === "zip" ? "" : "?download=1");
    a.download = result.fileNames[kind];
    a.textContent = label;
    return a;
  }));
  renderTable(result);
}

const shortNames = { centroid_x: "x", centroid_y: "y", bbox_x: "box x", bbox_y: "box y", bbox_width: "box w", bbox_height: "box h", mean_intensity: "mean" };
function renderTable(result) {
  const head = $("measurements").tHead, body = $("measurements").tBodies[0];
  if (!result) { head.replaceChildren(); body.replaceChildren(); $("table-note").textContent = ""; return; }
  const tr = document.createElement("tr");
  result.columns.forEach((column, index) => {
    const th = document.createElement("th");
    th.textContent = shortNames[column] || column.replace(/_/g, " ");
    th.dataset.column = column;
    th.title = `${column}: click to sort`;
    if (sort.column === index) th.className = sort.ascending ? "asc" : "desc";
    th.onclick = () => { sort = { column: index, ascending: sort.column === index ? !sort.ascending : true }; renderTable(result); };
    tr.append(th);
  });
  head.replaceChildren(tr);
  const column = Math.min(sort.column, result.columns.length - 1), sign = sort.ascending ? 1 : -1;
  const rows = result.rows.slice().sort((a, b) => sign * ((a[column] ?? -Infinity) - (b[column] ?? -Infinity)));
  const decimals = result.columns.map(c => c.startsWith("centroid") ? 1 : c === "mean_intensity" ? 1 : 0);
  const fragment = document.createDocumentFragment();
  for (const row of rows) {
    const r = document.createElement("tr");
    row.forEach((value, index) => { const td = document.createElement("td"); td.textContent = value == null ? "" : value.toFixed(decimals[index]); r.append(td); });
    fragment.append(r);
  }
  body.replaceChildren(fragment);
  $("table-note").textContent = `(${rows.length} nuclei; click a column to sort)`;
}

function renderDownloadAll() {
  const done = items.filter(i => i.state === "done");
  const link = $("download-all");
  link.hidden = done.length < 2;
  link.href = "/api/archive?ids=" + done.map(i => i.result.id).join(",");
}

let rerunTimer = null;
function optionsChanged() {
  $("opt-threshold-value").textContent = Number($("opt-threshold").value).toFixed(2);
  $("opt-interior-value").textContent = Number($("opt-interior").value).toFixed(2);
  clearTimeout(rerunTimer);
  rerunTimer = setTimeout(() => {
    const item = items[selected];
    if (item && item.state !== "waiting" && item.state !== "uploading" && item.state !== "running") { item.state = "waiting"; update(item); pump(); }
  }, 350);
}
for (const id of ["opt-min-area", "opt-split", "opt-fill-holes", "opt-threshold", "opt-interior", "opt-tta", "opt-diameter"]) {
  $(id).addEventListener(id.includes("threshold") || id === "opt-interior" ? "input" : "change", optionsChanged);
}
$("rerun-all").onclick = () => {
  for (const item of items) if (item.state === "done" || item.state === "failed") item.state = "waiting";
  renderList(); pump();
};
$("file-input").onchange = (e) => { addFiles(e.target.files); e.target.value = ""; };
const drop = $("drop");
["dragenter", "dragover"].forEach(t => drop.addEventListener(t, e => { e.preventDefault(); drop.classList.add("over"); }));
["dragleave", "drop"].forEach(t => drop.addEventListener(t, e => { e.preventDefault(); drop.classList.remove("over"); }));
document.addEventListener("dragover", e => e.preventDefault());
document.addEventListener("drop", e => { e.preventDefault(); addFiles(e.dataTransfer.files); });
</script>
</body>
</html>
"""#
}
