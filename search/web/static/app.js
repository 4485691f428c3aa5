// A little enhancement; every feature works without it.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Fields left empty are not sent, so the address holds only what was asked
  // (the server also redirects such an address to its short form).
  for (const form of document.querySelectorAll("form[method=get]")) {
    form.addEventListener("submit", () => {
      for (const field of form.querySelectorAll("input, select")) {
        if (field.name && field.type !== "checkbox" && !field.value.trim()) field.disabled = true;
      }
    });
  }
  // A focused or touched bar says its value under the chart (the bar's own
  // label already says it to a screen reader; the table holds them all).
  for (const chart of document.querySelectorAll(".histogram")) {
    const line = chart.querySelector(".bar-value");
    for (const bar of chart.querySelectorAll("a[data-value]")) {
      const show = () => { line.textContent = bar.dataset.value; };
      bar.addEventListener("focus", show);
      bar.addEventListener("mouseenter", show);
    }
  }
  // The sidebar starts folded for phones: open it where it sits beside the
  // results, and when a link ("Narrow the results", "Skip to filters") leads to it.
  const panel = document.querySelector(".facets-panel");
  if (panel) {
    if (window.matchMedia("(min-width: 50.0625rem)").matches) panel.open = true;
    for (const link of document.querySelectorAll('a[href="#facets"]')) {
      link.addEventListener("click", () => { panel.open = true; });
    }
  }
  // "/" jumps to the search box, as on many search sites.
  document.addEventListener("keydown", (event) => {
    const box = document.getElementById("q");
    const typing = ["INPUT", "SELECT", "TEXTAREA"].includes(document.activeElement.tagName);
    if (event.key === "/" && box && !typing) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  });
});
