/* The review's own behaviour: sortable tables, the flowchart step-through and the
   subgroup menu of the pooled forest plots.
   Material's instant navigation swaps pages without a reload, so everything runs
   from document$ when Material provides it, else on DOMContentLoaded. Nothing here
   fetches anything. */
(function () {
  "use strict";

  function sortTables() {
    if (typeof window.Tablesort === "undefined") return;
    document.querySelectorAll("table[data-lr-sortable]").forEach(function (table) {
      if (!table.dataset.lrSorted) {
        new window.Tablesort(table);
        table.dataset.lrSorted = "1";
      }
    });
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* A flowchart as a sequence of questions: answer one, see the next, and at the
     end the recommendation with the evidence behind every step taken. */
  function stepper(box) {
    var id = box.getAttribute("data-lr-flow");
    var source = document.getElementById("lr-flow-data-" + id);
    if (!source || box.dataset.lrReady) return;
    box.dataset.lrReady = "1";
    var flow = JSON.parse(source.textContent);
    var path = [];

    function evidence(node) {
      var span = el("span", { "class": "lr-stepper-evidence" });
      span.innerHTML = node.evidence; /* built at build time from escaped data */
      node.records.forEach(function (r, i) {
        span.appendChild(document.createTextNode(i ? ", " : " Evidence: "));
        span.appendChild(el("a", { href: r.url }, r.name));
      });
      return span;
    }

    function render() {
      box.textContent = "";
      var trail = el("ol", { "class": "lr-stepper-trail", "aria-label": "Your answers so far" });
      path.forEach(function (step) {
        var li = el("li");
        li.appendChild(document.createTextNode(flow.nodes[step.node].text + " "));
        li.appendChild(el("strong", {}, step.label));
        trail.appendChild(li);
      });
      if (path.length) box.appendChild(trail);
      var current = path.length ? path[path.length - 1].to : flow.start;
      var node = flow.nodes[current];
      var card = el("div", { "class": "lr-stepper-card lr-stepper-" + node.kind, "aria-live": "polite" });
      var heading = el("p", { "class": "lr-stepper-text" });
      heading.appendChild(el("strong", {}, (node.kind === "outcome" ? "Where this path ends: " : "Step " + node.step + ": ")));
      heading.appendChild(document.createTextNode(node.text));
      card.appendChild(heading);
      card.appendChild(evidence(node));
      var actions = el("div", { "class": "lr-stepper-actions" });
      node.branches.forEach(function (b) {
        var button = el("button", { type: "button", "class": "md-button md-button--primary" }, b.label);
        button.addEventListener("click", function () {
          path.push({ node: current, label: b.label, to: b.to });
          render();
        });
        actions.appendChild(button);
      });
      if (path.length) {
        var back = el("button", { type: "button", "class": "md-button" }, "Back");
        back.addEventListener("click", function () { path.pop(); render(); });
        actions.appendChild(back);
        var again = el("button", { type: "button", "class": "md-button" }, "Start again");
        again.addEventListener("click", function () { path = []; render(); });
        actions.appendChild(again);
      }
      card.appendChild(actions);
      box.appendChild(card);
      var focus = actions.querySelector("button");
      if (focus && path.length) focus.focus();
    }
    render();
  }

  /* Pooled forest plots: without JavaScript every subgroup split is shown, one after
     another; with it, a menu picks the split and the others are hidden. */
  function subgroupPicker(box) {
    if (box.dataset.lrReady) return;
    box.dataset.lrReady = "1";
    var splits = Array.prototype.slice.call(box.querySelectorAll("[data-lr-split]"));
    if (splits.length < 2) return;
    var id = "lr-pick-" + splits[0].getAttribute("data-lr-split");
    var bar = el("p", { "class": "lr-synth-picker" });
    bar.appendChild(el("label", { "for": id }, "Split the studies by "));
    var select = el("select", { id: id, "data-lr-subgroup-select": "" });
    splits.forEach(function (s) {
      select.appendChild(el("option", { value: s.getAttribute("data-lr-split") }, s.getAttribute("data-lr-label")));
    });
    function show() {
      splits.forEach(function (s) {
        if (s.getAttribute("data-lr-split") === select.value) s.removeAttribute("hidden");
        else s.setAttribute("hidden", "");
      });
    }
    select.addEventListener("change", show);
    bar.appendChild(select);
    box.insertBefore(bar, box.firstChild);
    show();
  }

  /* Material's search dialog has no accessible name; screen readers need one. */
  function nameSearchDialog() {
    var dialog = document.querySelector(".md-search[role='dialog']");
    if (dialog && !dialog.hasAttribute("aria-label")) dialog.setAttribute("aria-label", "Search the review");
  }

  /* The provenance behind a value's citation opens on hover and focus without any script
     (livingreview.css). With it, a tap or click on the ⓘ opens and closes it, and Escape or a
     tap elsewhere closes it. A tap focuses the button before its click arrives, so whether
     it was open is read when the pointer goes down. */
  function provenance() {
    if (document.documentElement.dataset.lrProv) return;
    document.documentElement.dataset.lrProv = "1";
    function shown(box) {
      return box.classList.contains("lr-open") ||
        ((box.matches(":focus-within") || box.matches(":hover")) && !box.classList.contains("lr-closed"));
    }
    function set(box, open) {
      box.classList.toggle("lr-open", open);
      box.classList.toggle("lr-closed", !open);
      box.querySelector(".lr-prov-more").setAttribute("aria-expanded", open ? "true" : "false");
    }
    function closeAll(except) {
      document.querySelectorAll(".lr-prov.lr-open, .lr-prov:focus-within").forEach(function (box) {
        if (box !== except) set(box, false);
      });
    }
    function button(event) {
      return event.target.closest ? event.target.closest(".lr-prov-more") : null;
    }
    document.addEventListener("pointerdown", function (event) {
      var b = button(event);
      if (b) b.parentNode.dataset.lrWasShown = shown(b.parentNode) ? "1" : "0";
    }, true);
    document.addEventListener("click", function (event) {
      var b = button(event);
      if (!b) { closeAll(null); return; }
      var box = b.parentNode;
      var was = box.dataset.lrWasShown ? box.dataset.lrWasShown === "1" : shown(box);
      delete box.dataset.lrWasShown;
      closeAll(box);
      set(box, !was);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") closeAll(null);
    });
    document.addEventListener("focusout", function (event) {
      var box = event.target.closest ? event.target.closest(".lr-prov") : null;
      if (box && !box.contains(event.relatedTarget)) box.classList.remove("lr-closed");
    });
    document.addEventListener("mouseout", function (event) {
      var box = event.target.closest ? event.target.closest(".lr-prov") : null;
      if (box && !box.contains(event.relatedTarget) && !box.matches(":focus-within")) box.classList.remove("lr-closed");
    });
  }

  function setup() {
    provenance();
    nameSearchDialog();
    sortTables();
    document.querySelectorAll("[data-lr-flow]").forEach(stepper);
    document.querySelectorAll("[data-lr-synth]").forEach(subgroupPicker);
  }

  if (typeof window.document$ !== "undefined") {
    window.document$.subscribe(setup);
  } else {
    document.addEventListener("DOMContentLoaded", setup);
  }
})();
