// Shared by the desk's pages: the JSON API with the CSRF header, the status line, the key list.
// Article data only ever reaches the page through textContent: never innerHTML.
"use strict";

const desk = (() => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  const token = meta ? meta.getAttribute("content") : "";

  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.error) || `HTTP ${status}`);
      this.status = status;
      this.body = body || {};
    }
  }

  async function api(method, path, body) {
    const headers = { Accept: "application/json" };
    if (method !== "GET") headers["X-CSRF-Token"] = token;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = null;
    const type = response.headers.get("Content-Type") || "";
    if (type.includes("json")) data = await response.json();
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }

  function status(message, kind) {
    const line = document.getElementById("status");
    if (!line) return;
    line.textContent = message;
    line.dataset.kind = kind || "info";
  }

  function explain(error) {
    const hint = error.body && error.body.hint ? ` (${error.body.hint})` : "";
    return `${error.message}${hint}`;
  }

  // A publish report (pipeline.publish.PublishReport) in words.
  function published(report) {
    if (!report || typeof report.articles !== "number") return "Published.";
    const langs = Object.entries(report.published || {}).map(([lang, n]) => `${lang} ${n}`);
    const where = report.out_dir ? ` to ${report.out_dir}` : "";
    return `Published ${report.articles} article${report.articles === 1 ? "" : "s"}${where}` +
      (langs.length ? ` (${langs.join(", ")}).` : ".");
  }

  async function publish() {
    status("Publishing what is approved…");
    try {
      const result = await api("POST", "/api/publish", {});
      status(published(result), "ok");
      document.body.dataset.published = "yes";
      return result;
    } catch (error) {
      status(`Publish failed: ${explain(error)}`, "error");
      return null;
    }
  }

  function typing(event) {
    const target = event.target;
    return target instanceof HTMLElement &&
      (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
  }

  function showHelp() {
    const help = document.getElementById("help");
    if (help && !help.open) help.showModal();
  }

  function modalOpen() {
    return Array.from(document.querySelectorAll("dialog")).some((d) => d.open);
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  document.addEventListener("DOMContentLoaded", () => {
    const button = document.getElementById("show-help");
    if (button) button.addEventListener("click", showHelp);
    const publishButton = document.getElementById("publish");
    if (publishButton) publishButton.addEventListener("click", publish);
  });

  document.addEventListener("keydown", (event) => {
    if (typing(event) || modalOpen() || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "?") {
      event.preventDefault();
      showHelp();
    } else if (event.key === "P") {
      event.preventDefault();
      publish();
    }
  });

  return { api, ApiError, status, explain, publish, typing, modalOpen, el, token };
})();
