/* The review's own behaviour. Material's instant navigation swaps pages without a
   reload, so everything here runs from document$ (or DOMContentLoaded without it). */
(function () {
  "use strict";

  function setup() {
    /* nothing yet: later features hook in here */
  }

  if (typeof window.document$ !== "undefined") {
    window.document$.subscribe(setup);
  } else {
    document.addEventListener("DOMContentLoaded", setup);
  }
})();
