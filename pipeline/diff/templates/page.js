(function () {
  "use strict";
  var hovered = null;
  var focused = null;

  function segOf(node) {
    var cell = node && node.closest ? node.closest(".cell[data-seg]") : null;
    return cell ? cell.getAttribute("data-seg") : null;
  }

  function paint() {
    var cells = document.querySelectorAll(".cell[data-seg]");
    for (var i = 0; i < cells.length; i++) {
      var seg = cells[i].getAttribute("data-seg");
      cells[i].classList.toggle("linked", seg === hovered || seg === focused);
    }
  }

  document.addEventListener("mouseover", function (event) {
    var seg = segOf(event.target);
    if (seg !== hovered) { hovered = seg; paint(); }
  });
  document.documentElement.addEventListener("mouseleave", function () {
    hovered = null; paint();
  });
  document.addEventListener("focusin", function (event) { focused = segOf(event.target); paint(); });
  document.addEventListener("focusout", function () { focused = null; paint(); });

  function rows() { return Array.prototype.slice.call(document.querySelectorAll(".row[data-seg]")); }

  function move(step) {
    var all = rows();
    var flagged = all.filter(function (row) { return row.classList.contains("flagged"); });
    if (!flagged.length) { return; }
    var current = document.activeElement && document.activeElement.closest
      ? document.activeElement.closest(".row[data-seg]") : null;
    var at = current ? all.indexOf(current) : -1;
    var target = null;
    if (step > 0) {
      target = flagged.find(function (row) { return all.indexOf(row) > at; }) || flagged[0];
    } else {
      var before = flagged.filter(function (row) { return at < 0 || all.indexOf(row) < at; });
      target = before.length ? before[before.length - 1] : flagged[flagged.length - 1];
    }
    var cell = target.querySelector(".cell.flagged") || target.querySelector(".cell");
    if (cell) {
      cell.focus();
      cell.scrollIntoView({ block: "center" });
    }
  }

  var filter = document.getElementById("only-flagged");
  function applyFilter() { document.body.classList.toggle("only-flagged", filter.checked); }
  if (filter) { filter.addEventListener("change", applyFilter); applyFilter(); }
  var next = document.getElementById("next-flag");
  var prev = document.getElementById("prev-flag");
  if (next) { next.addEventListener("click", function () { move(1); }); }
  if (prev) { prev.addEventListener("click", function () { move(-1); }); }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var tag = event.target && event.target.tagName;
    if (tag === "INPUT" && event.target.type !== "checkbox") { return; }
    if (tag === "TEXTAREA" || tag === "SELECT") { return; }
    if (event.key === "j" || event.key === "n") { move(1); event.preventDefault(); }
    else if (event.key === "k" || event.key === "p") { move(-1); event.preventDefault(); }
    else if (event.key === "f" && filter) { filter.checked = !filter.checked; applyFilter(); }
  });
})();
