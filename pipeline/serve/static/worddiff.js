// Word diff of two texts, for the editor: tokens are words, numbers, punctuation runs and
// whitespace; the longest common subsequence keeps what is shared. Output is DOM nodes built
// with textContent, so the texts are never parsed as HTML.
"use strict";

const worddiff = (() => {
  const TOKEN = /\s+|[\p{L}\p{N}]+(?:['’ʼ.,:-][\p{L}\p{N}]+)*|[^\s\p{L}\p{N}]+/gu;

  function tokens(text) {
    return String(text || "").match(TOKEN) || [];
  }

  // [{tag: "equal"|"delete"|"insert", text}] turning a into b.
  function diff(a, b) {
    const x = tokens(a);
    const y = tokens(b);
    const n = x.length;
    const m = y.length;
    const lcs = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    const pieces = [];
    const push = (tag, text) => {
      const last = pieces[pieces.length - 1];
      if (last && last.tag === tag) last.text += text;
      else pieces.push({ tag, text });
    };
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (x[i] === y[j]) {
        push("equal", x[i]);
        i++;
        j++;
      } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
        push("delete", x[i++]);
      } else {
        push("insert", y[j++]);
      }
    }
    while (i < n) push("delete", x[i++]);
    while (j < m) push("insert", y[j++]);
    return pieces;
  }

  function render(a, b) {
    const out = document.createElement("span");
    out.className = "worddiff";
    for (const piece of diff(a, b)) {
      const tag = piece.tag === "delete" ? "del" : piece.tag === "insert" ? "ins" : "span";
      const node = document.createElement(tag);
      node.textContent = piece.text;
      out.appendChild(node);
    }
    return out;
  }

  return { diff, render, tokens };
})();
