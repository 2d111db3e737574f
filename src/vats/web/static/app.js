// vats — the few behaviours the pages need, without a framework or CDN.
// 1. [data-autosubmit] forms submit when a field changes (filters).
// 2. [data-lines="a-b"] elements highlight lines a..b of the original document (provenance).
// 3. [data-confirm] buttons ask before submitting.
"use strict";
document.addEventListener("change", function (ev) {
  var form = ev.target.closest("form[data-autosubmit]");
  if (form) { form.requestSubmit ? form.requestSubmit() : form.submit(); }
});
function highlight(el) {
  document.querySelectorAll("pre.doc span.hl").forEach(function (s) { s.classList.remove("hl"); });
  var parts = (el.getAttribute("data-lines") || "").split("-");
  var a = parseInt(parts[0], 10), b = parseInt(parts[1] || parts[0], 10);
  if (isNaN(a)) { return; }
  for (var n = a; n <= b; n++) {
    var line = document.getElementById("L" + n);
    if (line) { line.classList.add("hl"); if (n === a) { line.scrollIntoView({ block: "center" }); } }
  }
}
document.addEventListener("click", function (ev) {
  var el = ev.target.closest("[data-lines]");
  if (el) { highlight(el); }
  var c = ev.target.closest("[data-confirm]");
  if (c && !window.confirm(c.getAttribute("data-confirm"))) { ev.preventDefault(); }
});
document.addEventListener("keydown", function (ev) {
  if (ev.key !== "Enter" && ev.key !== " ") { return; }
  var el = ev.target.closest("[data-lines]");
  if (el) { ev.preventDefault(); highlight(el); }
});
