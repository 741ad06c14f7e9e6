// The three-column editor: one row per alignment unit, a column per language, keyboard first.
// Data from GET /api/articles/{id}; writes through PATCH /api/versions/{id} and
// POST /api/articles/{id}/approve with the CSRF header (desk.api). Text goes in by textContent.
"use strict";

(() => {
  const { api, el, status, explain, typing, modalOpen } = desk;
  const LANGS = Array.from(document.querySelectorAll(".colhead")).map((h) => h.dataset.lang);
  const articleId = document.getElementById("title").dataset.article;
  const grid = document.getElementById("units");
  const view = {
    article: null,
    focus: { key: null, lang: null },
    editing: null, // {key, lang, version, area}
    diff: false,
    history: new Map(), // version id -> entries, oldest first
    open: new Set(), // "key|lang" of cells showing their history
    // Key actions run one after another: "a a a" typed fast approves three sentences in turn,
    // not the same one three times while the first answer is on its way.
    chain: Promise.resolve(),
  };

  function enqueue(action) {
    view.chain = view.chain.then(action).catch((error) => status(String(error), "error"));
    return view.chain;
  }

  // ---- the API's article, in the shape this page uses ------------------------------------

  function modelOf(version) {
    if (!version) return "";
    if (version.model) return String(version.model);
    if (version.signature && version.signature.model_id) return String(version.signature.model_id);
    return "";
  }

  // [{name, reason}] of a cell: the API sends checks as {flags, notes, reasons} (reasons in
  // words, one per flag, then the notes); older shapes (a list) are read too.
  function checksOf(version) {
    if (!version || !version.checks) return [];
    const checks = version.checks;
    if (Array.isArray(checks)) {
      return checks.map((c) => (typeof c === "string" ? { name: c, reason: c } : { name: c.name || "", reason: c.reason || c.name || "" }));
    }
    const flags = checks.flags || [];
    return (checks.reasons || []).map((reason, i) => ({ name: flags[i] || "note", reason }));
  }

  function isFlagged(version) {
    if (!version) return false;
    const risk = version.risk;
    return ((version.checks && version.checks.flags) || []).length > 0 ||
      (Array.isArray(version.checks) && version.checks.length > 0) ||
      Boolean(risk && typeof risk.value === "number" && risk.value >= 0.5);
  }

  // One row of GET /api/articles/{id}: current/machine/human are language -> cell (or null).
  function cellOf(row, lang) {
    const shown = (row.current || {})[lang] || null;
    const human = (row.human || {})[lang] || null;
    const machine = (row.machine || {})[lang] || null;
    return { lang, shown, human, machine, stale: Boolean(shown && shown.state === "stale") };
  }

  function normalize(data) {
    const units = (data.rows || []).map((row) => {
      const cells = {};
      for (const lang of LANGS) cells[lang] = cellOf(row, lang);
      const flagged = LANGS.some((lang) => isFlagged(cells[lang].shown));
      return {
        key: row.key, para: row.para, lang: row.lang, cells, flagged,
        alignment: row.unit || null, alignmentKind: row.unit_kind || null,
        alignmentFirst: row.unit_first !== false,
      };
    });
    return { ...data, units };
  }

  // ---- drawing -----------------------------------------------------------------------------

  function label(lang, version) {
    const box = el("div", "label");
    box.appendChild(el("span", "lang", lang));
    if (!version) {
      box.appendChild(el("span", "origin", "missing"));
      return box;
    }
    box.appendChild(el("span", "origin", version.origin));
    const model = modelOf(version);
    if (model) box.appendChild(el("span", "model", model.replace(/^Helsinki-NLP\//, "")));
    if (version.state && version.state !== version.origin) box.appendChild(el("span", "state", version.state));
    return box;
  }

  function historyList(version) {
    const entries = view.history.get(version.id);
    const box = el("div", "history");
    box.appendChild(el("h4", null, "History"));
    if (!entries) {
      box.appendChild(el("p", "hint", "Loading…"));
      return box;
    }
    const list = el("ol");
    entries.forEach((entry, index) => {
      const item = el("li");
      const model = modelOf(entry);
      const who = entry.author || (model ? model.replace(/^Helsinki-NLP\//, "") : entry.origin || "");
      const line = [entry.created || "", who, entry.state || ""].filter(Boolean).join(" · ");
      item.appendChild(el("div", "when", line));
      const previous = index > 0 ? entries[index - 1].text : null;
      item.appendChild(previous === null ? el("div", "text", entry.text) : worddiff.render(previous, entry.text));
      list.appendChild(item);
    });
    box.appendChild(list);
    return box;
  }

  function previousText(cell) {
    const shown = cell.shown;
    if (shown.previous) return { text: shown.previous, what: "reviewed text before the correction" };
    if (cell.human && cell.machine && shown.origin === "human") return { text: cell.machine.text, what: "machine" };
    if (cell.human && shown.origin === "machine" && cell.human.text !== shown.text) {
      return { text: cell.human.text, what: "human edition" };
    }
    const entries = cell.shown && view.history.get(cell.shown.id);
    if (entries && entries.length > 1) return { text: entries[entries.length - 2].text, what: "previous text" };
    return null;
  }

  function drawCell(unit, lang) {
    const cell = unit.cells[lang];
    const shown = cell.shown;
    const box = el("div", "cell");
    box.tabIndex = 0;
    box.dataset.key = unit.key;
    box.dataset.lang = lang;
    box.dataset.origin = shown ? shown.origin : "missing";
    if (shown) {
      box.dataset.state = shown.state || "";
      if (shown.id !== null && shown.id !== undefined) box.dataset.version = String(shown.id);
    }
    if (isFlagged(shown)) box.classList.add("flagged");
    if (cell.stale) box.classList.add("stale");
    box.appendChild(label(lang, shown));
    // an edition that merged this sentence into the one above gives it an empty human text
    const merged = shown && shown.origin === "human" && shown.text === "";
    box.appendChild(el("div", merged ? "text merged" : "text",
      shown ? (merged ? "(merged into the sentence above by the edition)" : shown.text) : "no text yet"));
    const before = view.diff && shown ? previousText(cell) : null;
    if (before) {
      const line = el("div", "diff");
      line.appendChild(el("span", "what", `vs ${before.what}: `));
      line.appendChild(worddiff.render(before.text, shown.text));
      box.appendChild(line);
    }
    if (shown && shown.previous && !view.diff) {
      const alt = el("div", "alt");
      alt.appendChild(el("span", "what", "reviewed before the source changed: "));
      alt.appendChild(el("span", null, shown.previous));
      box.appendChild(alt);
    }
    if (cell.human && cell.machine && shown && shown.origin === "human" && !view.diff) {
      const alt = el("div", "alt");
      alt.appendChild(el("span", "what", `machine${modelOf(cell.machine) ? ` (${modelOf(cell.machine).replace(/^Helsinki-NLP\//, "")})` : ""}: `));
      alt.appendChild(el("span", null, cell.machine.text));
      box.appendChild(alt);
    }
    const checks = checksOf(shown);
    if (checks.length) {
      const list = el("ul", "checks");
      list.setAttribute("aria-label", "checks");
      for (const check of checks) {
        const item = el("li", null, check.reason);
        item.dataset.check = check.name;
        list.appendChild(item);
      }
      box.appendChild(list);
    }
    if (shown && view.open.has(`${unit.key}|${lang}`)) box.appendChild(historyList(shown));
    return box;
  }

  function draw() {
    const article = view.article;
    document.getElementById("title").textContent = article.title || articleId;
    document.title = `Editor · ${article.title || articleId}`;
    const meta = [article.lang && `written in ${article.lang}`, article.date, article.author,
      article.revision && `revision ${article.revision}`].filter(Boolean);
    document.getElementById("meta").textContent = meta.join(" · ");
    for (const head of document.querySelectorAll(".colhead")) {
      const state = (article.states || {})[head.dataset.lang];
      head.textContent = state ? `${head.dataset.lang} · ${state}` : head.dataset.lang;
      if (state) head.dataset.state = state;
    }
    const head = grid.querySelector(".unit.head");
    const rows = [head];
    let para = null;
    for (const unit of article.units) {
      const row = el("div", "unit");
      row.dataset.key = unit.key;
      row.dataset.para = String(unit.para);
      if (unit.flagged) row.classList.add("flagged");
      if (para !== null && unit.para !== para) row.classList.add("new-para");
      para = unit.para;
      if (unit.alignment && !unit.alignmentFirst) row.classList.add("unit-cont");
      const gutter = el("div", "gutter", unit.key);
      if (unit.alignment && unit.alignmentFirst) {
        const badge = el("span", "alignment", `${unit.alignment} ${unit.alignmentKind}`);
        badge.title = "alignment unit with the human editions (sentences uk-ru-en)";
        gutter.appendChild(badge);
      }
      if (unit.flagged) gutter.appendChild(el("span", "flagmark", "⚑"));
      row.appendChild(gutter);
      for (const lang of LANGS) row.appendChild(drawCell(unit, lang));
      rows.push(row);
    }
    grid.replaceChildren(...rows);
    grid.setAttribute("aria-busy", "false");
    // the column heads stick under the page header, whose height depends on the title
    const header = document.querySelector("header.top");
    grid.style.setProperty("--head", `${header.offsetHeight}px`);
    restoreFocus();
  }

  function defaultLang() {
    const article = view.article;
    return LANGS.find((lang) => lang !== article.lang && article.units.some((u) => u.cells[lang].shown)) || LANGS[0];
  }

  function cellNode(key, lang) {
    return grid.querySelector(`.cell[data-key="${CSS.escape(key)}"][data-lang="${CSS.escape(lang)}"]`);
  }

  function restoreFocus() {
    const units = view.article.units;
    if (!units.length) return;
    if (!view.focus.key || !units.some((u) => u.key === view.focus.key)) view.focus.key = units[0].key;
    if (!view.focus.lang) view.focus.lang = defaultLang();
    const node = cellNode(view.focus.key, view.focus.lang);
    if (node) node.focus({ preventScroll: false });
  }

  function focusCell(key, lang) {
    view.focus = { key, lang };
    const node = cellNode(key, lang);
    if (node) {
      node.focus();
      node.scrollIntoView({ block: "nearest" });
    }
  }

  // ---- moving ------------------------------------------------------------------------------

  function index() {
    return view.article.units.findIndex((u) => u.key === view.focus.key);
  }

  function move(step) {
    const units = view.article.units;
    const at = Math.min(Math.max(index() + step, 0), units.length - 1);
    focusCell(units[at].key, view.focus.lang);
  }

  function moveLang(step) {
    const at = LANGS.indexOf(view.focus.lang);
    const next = LANGS[Math.min(Math.max(at + step, 0), LANGS.length - 1)];
    focusCell(view.focus.key, next);
  }

  function nextFlagged(step) {
    const units = view.article.units;
    const count = units.length;
    for (let n = 1; n <= count; n++) {
      const unit = units[(index() + step * n + count * n) % count];
      if (unit.flagged) {
        const lang = isFlagged(unit.cells[view.focus.lang].shown)
          ? view.focus.lang
          : LANGS.find((l) => isFlagged(unit.cells[l].shown));
        focusCell(unit.key, lang);
        return;
      }
    }
    status("No flagged sentence.");
  }

  // ---- reading and writing -----------------------------------------------------------------

  async function load() {
    try {
      view.article = normalize(await api("GET", `/api/articles/${encodeURIComponent(articleId)}`));
      draw();
      document.body.dataset.ready = "yes";
    } catch (error) {
      grid.setAttribute("aria-busy", "false");
      status(`Could not load the article: ${explain(error)}`, "error");
    }
  }

  function focused() {
    const unit = view.article.units[index()];
    return unit ? { unit, cell: unit.cells[view.focus.lang] } : null;
  }

  function startEdit() {
    const here = focused();
    if (!here) return;
    const version = here.cell.shown;
    if (!version) {
      status("Nothing to edit here yet: this sentence has no text in this language.", "error");
      return;
    }
    if (version.origin === "source" || version.id === null || version.id === undefined) {
      status("This is the text as written: correct it with `pipeline edit` (a new revision).", "error");
      return;
    }
    const node = cellNode(here.unit.key, here.cell.lang);
    const text = node.querySelector(".text");
    const area = document.createElement("textarea");
    area.value = version.text;
    area.rows = Math.max(2, Math.ceil(version.text.length / 60));
    area.setAttribute("aria-label", `Edit ${here.cell.lang} ${here.unit.key}`);
    text.replaceWith(area);
    // for touch screens, where Ctrl+Enter and Esc are out of reach
    const buttons = el("div", "buttons edit-buttons");
    const save = el("button", "save", "Save and next (Ctrl+Enter)");
    const cancel = el("button", "cancel", "Cancel (Esc)");
    save.type = cancel.type = "button";
    save.addEventListener("click", () => enqueue(saveAndNext));
    cancel.addEventListener("click", () => cancelEdit());
    buttons.append(save, cancel);
    area.after(buttons);
    node.classList.add("editing");
    view.editing = { key: here.unit.key, lang: here.cell.lang, version, area };
    area.focus();
    area.setSelectionRange(area.value.length, area.value.length);
  }

  function cancelEdit() {
    const editing = view.editing;
    view.editing = null;
    draw();
    if (editing) focusCell(editing.key, editing.lang);
  }

  async function patch(versionId, body) {
    return api("PATCH", `/api/versions/${encodeURIComponent(versionId)}`, body);
  }

  async function saveAndNext() {
    const editing = view.editing;
    if (!editing) return;
    const text = editing.area.value;
    editing.area.disabled = true;
    if (text !== editing.version.text) {
      try {
        await patch(editing.version.id, { text, revision: editing.version.id });
        status(`Saved ${editing.lang} ${editing.key}.`, "ok");
      } catch (error) {
        editing.area.disabled = false;
        if (error.status === 409 && error.body && error.body.current) {
          conflict(editing, text, error.body);
        } else {
          status(`Not saved: ${explain(error)}`, "error");
          editing.area.focus();
        }
        return;
      }
    }
    view.editing = null;
    await load();
    focusCell(editing.key, editing.lang);
    move(1);
  }

  function conflict(editing, mine, body) {
    const dialog = document.getElementById("conflict");
    const current = body.current;
    document.getElementById("conflict-current").textContent = current.text;
    document.getElementById("conflict-mine").textContent = mine;
    document.getElementById("conflict-hint").textContent = [body.error, body.hint].filter(Boolean).join(" ");
    view.conflict = { editing, mine, current };
    dialog.showModal();
    document.getElementById("keep-mine").focus();
  }

  async function resolve(keep) {
    const dialog = document.getElementById("conflict");
    const { editing, mine, current } = view.conflict;
    dialog.close();
    view.conflict = null;
    view.editing = null;
    if (keep) {
      try {
        await patch(current.id, { text: mine, revision: current.id });
        status(`Kept your text for ${editing.lang} ${editing.key}.`, "ok");
      } catch (error) {
        status(`Not saved: ${explain(error)}`, "error");
      }
    } else {
      status(`Took the current text for ${editing.lang} ${editing.key}.`, "ok");
    }
    await load();
    focusCell(editing.key, editing.lang);
  }

  async function approve(scope) {
    const here = focused();
    if (!here) return;
    const lang = here.cell.lang;
    const body = { lang };
    let what = `${lang} version`;
    if (scope === "unit") {
      body.keys = [here.unit.key];
      what = `${lang} ${here.unit.key}`;
    } else if (scope === "para") {
      body.para = here.unit.para;
      what = `${lang} paragraph ${here.unit.para}`;
    }
    try {
      const result = await api("POST", `/api/articles/${encodeURIComponent(articleId)}/approve`, body);
      const count = result && typeof result.approved === "number" ? ` (${result.approved})` : "";
      status(`Approved ${what}${count}.`, "ok");
    } catch (error) {
      status(`Not approved: ${explain(error)}`, "error");
      return;
    }
    const key = here.unit.key;
    await load();
    focusCell(key, lang);
    if (scope === "unit") move(1);
  }

  async function toggleHistory() {
    const here = focused();
    if (!here || !here.cell.shown) return;
    if (here.cell.shown.id === null || here.cell.shown.id === undefined) {
      status("The text as written has no edit history.");
      return;
    }
    const id = `${here.unit.key}|${here.cell.lang}`;
    if (view.open.has(id)) {
      view.open.delete(id);
      draw();
      return;
    }
    view.open.add(id);
    const version = here.cell.shown;
    if (!view.history.has(version.id)) {
      try {
        const data = await api("GET", `/api/versions/${encodeURIComponent(version.id)}/history`);
        const entries = Array.isArray(data) ? data : data.history || data.versions || [];
        // an entry is a version, or {version, author, based_on}: flatten to one object
        view.history.set(version.id, entries.map((e) => (e.version ? { ...e.version, ...e, version: undefined } : e)));
      } catch (error) {
        view.open.delete(id);
        status(`No history: ${explain(error)}`, "error");
      }
    }
    draw();
  }

  function toggleDiff() {
    view.diff = !view.diff;
    document.getElementById("toggle-diff").setAttribute("aria-pressed", String(view.diff));
    draw();
  }

  // ---- keys and buttons ----------------------------------------------------------------------

  document.addEventListener("keydown", (event) => {
    if (view.editing && event.target === view.editing.area) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        enqueue(saveAndNext);
      } else if (event.key === "Escape") {
        event.preventDefault();
        cancelEdit();
      }
      return;
    }
    if (!view.article || typing(event) || modalOpen() || event.ctrlKey || event.metaKey || event.altKey) return;
    const onControl = event.target instanceof HTMLElement && event.target.closest("button, a, summary");
    const actions = {
      j: () => move(1), ArrowDown: () => move(1), k: () => move(-1), ArrowUp: () => move(-1),
      h: () => moveLang(-1), ArrowLeft: () => moveLang(-1), l: () => moveLang(1), ArrowRight: () => moveLang(1),
      e: startEdit, a: () => approve("unit"), A: () => approve("para"), L: () => approve("lang"),
      n: () => nextFlagged(1), N: () => nextFlagged(-1), d: toggleDiff, i: toggleHistory,
    };
    if (event.key === "Enter" && !onControl) actions.Enter = startEdit;
    const action = actions[event.key];
    if (action) {
      event.preventDefault();
      enqueue(action);
    }
  });

  // A click on a cell makes it the focused one, so buttons act on what the mouse chose.
  grid.addEventListener("focusin", (event) => {
    const node = event.target.closest(".cell");
    if (node) view.focus = { key: node.dataset.key, lang: node.dataset.lang };
  });
  grid.addEventListener("dblclick", (event) => {
    if (event.target.closest(".cell") && !view.editing) startEdit();
  });
  const buttons = {
    "edit-unit": () => enqueue(startEdit),
    "approve-unit": () => approve("unit"), "approve-para": () => approve("para"),
    "approve-lang": () => approve("lang"), "next-flag": () => nextFlagged(1), "toggle-diff": toggleDiff,
    "keep-mine": () => resolve(true), "take-current": () => resolve(false),
  };
  for (const [id, action] of Object.entries(buttons)) {
    const button = document.getElementById(id);
    if (!button) continue;
    button.addEventListener("click", () => {
      // a redraw would drop the text being typed: finish the edit first
      if (view.editing && !view.conflict) {
        status("Save (Ctrl+Enter) or cancel (Esc) the edit first.", "error");
        view.editing.area.focus();
        return;
      }
      action();
    });
  }
  document.getElementById("conflict").addEventListener("cancel", (event) => {
    event.preventDefault(); // Esc: the choice must be made, neither text is lost silently
  });
  load();
})();
