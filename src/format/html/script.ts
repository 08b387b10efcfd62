/**
 * The page's one inline script (it loads nothing). It only adds behaviour to what the page
 * already shows, so the page reads the same without it:
 * - a placement cell, clicked or Enter/Space pressed on it, writes its reason (its `title`) into
 *   its section's reason panel (`data-testid="reason"`);
 * - the arrow keys move between cells of a matrix (WAI-ARIA Authoring Practices, grid pattern:
 *   "Keyboard interaction");
 * - a box of the cluster map (a node, a load balancer), focused or clicked, writes what its
 *   tooltip holds into the map's panel (`data-testid="map-detail"`): keyboard users cannot hover;
 * - before printing, every `<details>` opens (the `beforeprint` event), so the printout holds it all.
 * It looks every element up and does nothing where there is none: a fragment without a matrix
 * or a map runs it without an error.
 */
export const SCRIPT = `
(function () {
  "use strict";
  function show(cell) {
    var section = cell.closest("section.placement");
    var panel = section ? section.querySelector("[data-testid=reason]") : null;
    if (!panel) return;
    var prev = section.querySelector("td.cell.selected");
    if (prev) prev.classList.remove("selected");
    cell.classList.add("selected");
    var head = cell.getAttribute("data-workload") + " on " + (cell.getAttribute("data-node") || cell.getAttribute("data-group"));
    panel.textContent = head + " (" + cell.getAttribute("data-verdict") + ")\\n" + (cell.getAttribute("title") || "");
  }
  function move(cell, key) {
    var tr = cell.parentElement;
    var cells = Array.prototype.slice.call(tr.querySelectorAll("td.cell"));
    var i = cells.indexOf(cell);
    var target = null;
    if (key === "ArrowLeft") target = cells[i - 1];
    else if (key === "ArrowRight") target = cells[i + 1];
    else {
      var row = key === "ArrowUp" ? tr.previousElementSibling : tr.nextElementSibling;
      if (row) target = row.querySelectorAll("td.cell")[i];
    }
    if (target) target.focus();
    return !!target;
  }
  function detail(box) {
    var map = box.closest("section");
    var panel = map ? map.querySelector("[data-testid=map-detail]") : null;
    var title = box.querySelector("title");
    if (panel && title) panel.textContent = title.textContent;
  }
  function mapBox(t) {
    return t && t.closest ? t.closest("svg.map g[tabindex]") : null;
  }
  document.addEventListener("click", function (e) {
    var t = e.target;
    var cell = t && t.closest ? t.closest("td.cell[data-testid=placement-cell]") : null;
    if (cell) show(cell);
    var box = mapBox(t);
    if (box) detail(box);
  });
  document.addEventListener("focusin", function (e) {
    var box = mapBox(e.target);
    if (box) detail(box);
  });
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (!t || !t.matches || !t.matches("td.cell[data-testid=placement-cell]")) return;
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      show(t);
    } else if (/^Arrow(Left|Right|Up|Down)$/.test(e.key)) {
      if (move(t, e.key)) e.preventDefault();
    }
  });
  window.addEventListener("beforeprint", function () {
    var all = document.querySelectorAll("details");
    for (var i = 0; i < all.length; i++) all[i].open = true;
  });
})();
`;
