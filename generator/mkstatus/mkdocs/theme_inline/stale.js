/* The page admits when it may be out of date (render/freshness.py writes its inputs on
   the `mks-built` line every page ends with: the build time, `stale_after` in seconds
   and the notice, in the page's language, contact line included). Past that age, the
   status banner (or, on a page without one, the top of the page) shows the notice:
   "This page has not been refreshed since …; the status may be out of date". Read once,
   when the page loads: a reader who keeps the page open reloads it to see more.
   Minified into every page: end every statement with a semicolon. */
(() => {
  const s = document.getElementById("mks-built"), d = s && s.dataset;
  if (!d || !(Date.now() - Date.parse(d.built) > d.staleAfter * 1e3)) return;
  const b = document.querySelector(".mks-banner"), p = document.createElement("p");
  p.className = "mks-stale";
  p.setAttribute("role", "alert");
  p.textContent = d.stale;
  if (b) b.classList.add("mks-is-stale");
  (b || document.querySelector(".md-content__inner")).prepend(p);
})();
