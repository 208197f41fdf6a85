// Sentence alignment: hovering or clicking a sentence lights up its counterpart in the other
// pane. One delegated listener on document, so it keeps working while Gradio replaces the
// panes' HTML during streaming. Class names are those of ui/web/render.py.
(() => {
  if (window.__passerelleSegments) return;
  window.__passerelleSegments = true;
  const SEG = ".seg[data-seg]";
  const mark = (cls, n) => {
    document.querySelectorAll("." + cls).forEach((el) => el.classList.remove(cls));
    if (n !== null) document.querySelectorAll(`.seg[data-seg="${n}"]`).forEach((el) => el.classList.add(cls));
  };
  const segOf = (target) => (target instanceof Element ? target.closest(SEG) : null);
  document.addEventListener("mouseover", (event) => {
    const seg = segOf(event.target);
    if (seg) mark("seg-active", seg.dataset.seg);
  });
  document.addEventListener("mouseout", (event) => {
    const seg = segOf(event.target);
    if (seg && segOf(event.relatedTarget) !== seg) mark("seg-active", null);
  });
  document.addEventListener("click", (event) => {
    const seg = segOf(event.target);
    if (!seg) return;
    const n = seg.dataset.seg;
    const pinned = seg.classList.contains("seg-pinned");
    mark("seg-pinned", pinned ? null : n);
    if (pinned) return;
    document.querySelectorAll(`.seg[data-seg="${n}"]`).forEach((el) => {
      let pane = el.closest(".pane-scroll");  // the outermost one is the scrolling box
      while (pane && pane.parentElement && pane.parentElement.closest(".pane-scroll")) {
        pane = pane.parentElement.closest(".pane-scroll");
      }
      if (el === seg || !pane) return;
      const offset = el.getBoundingClientRect().top - pane.getBoundingClientRect().top;
      pane.scrollBy({ top: offset - pane.clientHeight / 3, behavior: "smooth" });
    });
  });
})();

// Text typed on the starting page (starting.html, served while this page was being built)
// comes along: it is put in the article box once Gradio has drawn it.
(() => {
  const KEY = "passerelle-text";
  const text = sessionStorage.getItem(KEY);
  if (text === null) return;
  const fill = () => {
    const box = document.querySelector("#article-text textarea");
    if (!box) {
      setTimeout(fill, 100);
      return;
    }
    sessionStorage.removeItem(KEY);
    box.value = text;
    box.dispatchEvent(new Event("input", { bubbles: true }));
  };
  fill();
})();

// After Translate: the results come where the eye is (the panes sit below the form), the
// previous run's warnings go, and the scrolling panes can be reached by keyboard; the tab's
// title says the direction.
(() => {
  if (window.__passerelleFlow) return;
  window.__passerelleFlow = true;
  let awaiting = false;
  document.addEventListener("click", (event) => {
    if (!(event.target instanceof Element) || !event.target.closest("#translate-button")) return;
    awaiting = true;
    document.querySelectorAll(".toast-body .toast-close, [data-testid='toast-close']").forEach((button) => button.click());
  });
  // Gradio 6 nests interactive controls (axe-core's nested-interactive, serious): a toast's
  // header is a "button" holding its Close button, and once files are in, the "add files"
  // icon button holds the upload button. The toast's Close button stays; the inner upload
  // button is no longer a control of its own (out of the tab order, a plain group to assistive
  // technologies; the mouse still reaches it) and its outer one, named (not "common.upload"),
  // opens it from the keyboard.
  const unnest = () => {
    document.querySelectorAll(".toast-header[role='button']").forEach((header) => {
      header.removeAttribute("role");
      header.removeAttribute("tabindex");
    });
    document.querySelectorAll("button.icon-button button.upload-container:not([tabindex='-1'])").forEach((inner) => {
      inner.setAttribute("tabindex", "-1");
      inner.setAttribute("role", "group");
      const outer = inner.parentElement.closest("button.icon-button");
      outer.setAttribute("aria-label", "Add files");
      outer.setAttribute("title", "Add files");
    });
  };
  document.addEventListener("click", (event) => {
    // The keyboard's Enter on the outer button: its click reaches only it, so pass it on.
    const inner = event.target instanceof Element && event.target.matches("button.icon-button")
      ? event.target.querySelector("button.upload-container") : null;
    if (inner) inner.click();
  });
  const reachable = () => {
    document.querySelectorAll(".pane-scroll:not(.pane-scroll .pane-scroll):not([tabindex])").forEach((pane) => {
      pane.setAttribute("tabindex", "0");
      pane.setAttribute("role", "region");
      const title = pane.closest("#panes .column, #panes > div, #library-panes .column, #library-panes > div")?.querySelector(".pane-title");
      pane.setAttribute("aria-label", title ? title.textContent.trim() : "result");
    });
  };
  // The tab's title follows the header (ui/web/headline.py), which follows the direction used.
  const title = () => {
    const wanted = document.querySelector("#app-title [data-tab-title]")?.dataset.tabTitle;
    if (wanted && document.title !== wanted) document.title = wanted;
  };
  new MutationObserver(() => {
    reachable();
    unnest();
    title();
    if (!awaiting) return;
    const first = document.querySelector("#pane-translation .seg");
    if (!first) return;
    awaiting = false;
    const panes = document.getElementById("status-row") || document.getElementById("panes");
    if (panes && panes.getBoundingClientRect().top > window.innerHeight / 2) {
      panes.scrollIntoView({ behavior: "smooth", block: "start" });
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
