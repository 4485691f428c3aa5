// A little enhancement; every feature works without it.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // The sort menu applies at once instead of waiting for the Search button.
  for (const select of document.querySelectorAll("select.autosubmit")) {
    select.addEventListener("change", () => select.form.requestSubmit());
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
