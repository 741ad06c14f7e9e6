// The review queue: rows from GET /api/articles (same ?lang= and ?state= as the page).
"use strict";

(() => {
  const { api, el, status, explain, typing, modalOpen } = desk;

  function pick(item, ...names) {
    for (const name of names) if (item[name] !== undefined && item[name] !== null) return item[name];
    return "";
  }

  function riskText(risk) {
    if (risk === "" || risk === undefined || risk === null) return "";
    const value = typeof risk === "object" ? risk.value : risk;
    return typeof value === "number" ? value.toFixed(2) : String(value);
  }

  function row(item) {
    const tr = el("tr");
    const id = String(pick(item, "id", "article_id"));
    tr.dataset.article = id;
    const state = String(pick(item, "state", "review_state"));
    if (state) tr.dataset.state = state;
    const title = el("td", "title");
    const link = el("a", null, pick(item, "title") || id);
    link.href = `/articles/${encodeURIComponent(id)}`;
    title.appendChild(link);
    const reasons = typeof item.risk === "object" && item.risk ? item.risk.reasons || [] : [];
    if (reasons.length) title.appendChild(el("div", "reasons", reasons.join("; ")));
    tr.appendChild(title);
    tr.appendChild(el("td", "lang", pick(item, "lang", "target")));
    tr.appendChild(el("td", "state", state));
    const stale = pick(item, "stale");
    tr.appendChild(el("td", "num stale", typeof stale === "boolean" ? (stale ? "yes" : "") : stale));
    tr.appendChild(el("td", "num risk", riskText(pick(item, "risk"))));
    tr.appendChild(el("td", "date", pick(item, "date", "updated")));
    return tr;
  }

  async function load() {
    const params = new URLSearchParams(window.location.search);
    const query = new URLSearchParams();
    for (const name of ["lang", "state"]) if (params.get(name)) query.set(name, params.get(name));
    const body = document.querySelector("#queue tbody");
    try {
      const data = await api("GET", `/api/articles${query.toString() ? `?${query}` : ""}`);
      const items = Array.isArray(data) ? data : data.items || data.articles || [];
      body.replaceChildren(...items.map(row));
      if (!items.length) {
        const empty = el("tr");
        const cell = el("td", "empty", "Nothing to review with these filters.");
        cell.colSpan = 6;
        empty.appendChild(cell);
        body.appendChild(empty);
      }
      status(`${items.length} in the queue.`);
      document.body.dataset.ready = "yes";
    } catch (error) {
      status(`Could not load the queue: ${explain(error)}`, "error");
    }
  }

  function move(step) {
    const links = Array.from(document.querySelectorAll("#queue tbody a"));
    if (!links.length) return;
    const at = links.indexOf(document.activeElement);
    const next = at < 0 ? (step > 0 ? 0 : links.length - 1) : Math.min(Math.max(at + step, 0), links.length - 1);
    links[next].focus();
  }

  document.addEventListener("keydown", (event) => {
    if (typing(event) || modalOpen() || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "j" || event.key === "ArrowDown") {
      event.preventDefault();
      move(1);
    } else if (event.key === "k" || event.key === "ArrowUp") {
      event.preventDefault();
      move(-1);
    } else if (event.key === "e" && document.activeElement.closest("#queue tbody")) {
      event.preventDefault();
      document.activeElement.click();
    }
  });

  for (const id of ["f-lang", "f-state"]) {
    const select = document.getElementById(id);
    if (select) select.addEventListener("change", () => select.form.requestSubmit());
  }
  load();
})();
