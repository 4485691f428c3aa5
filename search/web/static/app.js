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
