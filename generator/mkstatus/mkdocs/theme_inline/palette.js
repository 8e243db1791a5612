/* Instead of Material's 35 KB JavaScript bundle (see main.html): apply the palette whose
   media query matches the reader's light/dark setting, and follow changes. Inlined at
   the end of every page's <body> by the theme layer, minified (mkstatus/mkdocs/inline.py
   drops comments and spacing): end every statement with a semicolon.

   Material's CSS already has no-JS fallbacks for the drawer and tabs; what is lost is
   cosmetic (header title swap on scroll, table-of-contents highlighting) plus the palette
   toggle button, which stays hidden. The bundle would also fetch sitemap.xml from the
   host of every <link rel="alternate">. */
(() => {
  const b = document.body,  // Material's CSS reads the palette from its data-md-color-*
    q = [...document.querySelectorAll("[data-md-color-media]")],  // one input per palette
    f = () => {  // apply the first palette whose media query matches
      const i = q.find(i => matchMedia(i.dataset.mdColorMedia).matches);
      if (i) for (const k of ["Scheme", "Primary", "Accent"]) b.dataset["mdColor" + k] = i.dataset["mdColor" + k];
    };
  f();
  for (const i of q) matchMedia(i.dataset.mdColorMedia).addEventListener("change", f);
})();
