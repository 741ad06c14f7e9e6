// The review queue: rows from GET /api/articles (same ?lang= and ?state= as the page).
"use strict";

(() => {
  const { api, el, status, explain, typing, modalOpen } = desk;

  // One QueueItem of GET /api/articles: id, title, lang (written in), date, states (language ->
  // review state), state (the worst), stale, risk (0..1) and reasons.
  function row(item) {
    const tr = el("tr");
    tr.dataset.article = item.id;
    tr.dataset.state = item.state;
    const title = el("td", "title");
    const link = el("a", null, item.title || item.id);
    link.href = `/articles/${encodeURIComponent(item.id)}`;
    title.appendChild(link);
    if (item.reasons && item.reasons.length) title.appendChild(el("div", "reasons", item.reasons.join("; ")));
    tr.appendChild(title);
    const langs = el("td", "langs");
    for (const [lang, state] of Object.entries(item.states || {})) {
      const chip = el("span", "chip", `${lang} ${state}`);
      chip.dataset.lang = lang;
      chip.dataset.state = state;
      langs.appendChild(chip);
    }
    tr.appendChild(langs);
    tr.appendChild(el("td", "state", item.state));
    tr.appendChild(el("td", "num stale", item.stale ? "yes" : ""));
    tr.appendChild(el("td", "num risk", typeof item.risk === "number" && item.risk > 0 ? item.risk.toFixed(2) : ""));
    tr.appendChild(el("td", "date", item.date || ""));
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
