/* libmedia preview: the page.
 *
 * One page, no build step, no libraries.  It reads the HTTP contract of
 * libmedia/preview/server.py: /api/state, /api/posts, /api/view, /api/video,
 * /api/full, and the server-sent events of /events.  Routes live in the hash:
 *   #/                          the gallery of every template
 *   #/t/NAME                    one template (its first format, its first post)
 *   #/t/NAME/FORMAT/POST        one template, a chosen format and post index
 * Every text from the server goes into the page with textContent, never as HTML.
 */
"use strict";

(() => {
  // ---------------------------------------------------------------- helpers

  /** Make an element: el("p", {class: "x", text: "hi", onclick: f}, child...). */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key === "dataset") Object.assign(node.dataset, value);
      else if (key === "style") Object.assign(node.style, value);
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (value === true) node.setAttribute(key, "");
      else node.setAttribute(key, String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  const enc = encodeURIComponent;

  /** A transparent pixel: what a thumbnail shows until its turn to load comes. */
  const BLANK = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";

  class HttpError extends Error {
    constructor(message, status, body) {
      super(message);
      this.status = status;
      this.body = body;
    }
  }

  /** GET (or POST) a JSON document; throws HttpError with the server's {"error"} text. */
  async function getJSON(url, options) {
    const response = await fetch(url, Object.assign({cache: "no-store"}, options || {}));
    let body = null;
    try {
      body = await response.json();
    } catch (_) {
      body = null;
    }
    if (!response.ok) {
      const error = body && body.error;
      const message = error ? (typeof error === "object" ? error.message : String(error))
        : `${response.status} ${response.statusText}`;
      throw new HttpError(message, response.status, body);
    }
    return body;
  }

  /** Resolve when the image at src has loaded (so swapping to it does not flicker). */
  function preload(src) {
    return new Promise((resolve, reject) => {
      const image = new Image();
      image.onload = () => resolve(image);
      image.onerror = () => reject(new Error(`could not load ${src}`));
      image.src = src;
    });
  }

  /**
   * Show src in img once it has loaded; the old picture stays until then.
   * A later call wins over an earlier one still loading.  Returns true when swapped.
   */
  async function swapImage(img, src) {
    if (img.getAttribute("src") === src) {
      delete img.dataset.pending;
      return true;
    }
    if (!img.getAttribute("src")) {
      delete img.dataset.pending;
      img.src = src; // nothing shown yet: load in place
      return true;
    }
    img.dataset.pending = src;
    try {
      await preload(src);
    } catch (_) {
      if (img.dataset.pending === src) delete img.dataset.pending;
      return false;
    }
    if (img.dataset.pending !== src) return false; // a newer picture was asked for
    delete img.dataset.pending;
    img.src = src;
    return true;
  }

  function debounce(fn, ms) {
    let timer = null;
    return (...args) => {
      clearTimeout(timer);
      timer = setTimeout(() => fn(...args), ms);
    };
  }

  function plural(n, one, many) {
    return `${n} ${n === 1 ? one : many || one + "s"}`;
  }

  function seconds(t) {
    return `${Number(t).toFixed(2)} s`;
  }

  /** "templates/x/layout.xml.j2:12" from an ERROR object, whatever parts it has. */
  function fileLine(error) {
    if (!error || !error.file) return "";
    let where = error.file;
    if (error.line) where += `:${error.line}`;
    if (error.line && error.column) where += `:${error.column}`;
    return where;
  }

  /** Where an ERROR (or a diagnostic) is: its "where", with file:line when "where" lacks them. */
  function errorWhere(error) {
    if (!error) return "";
    const place = fileLine(error);
    if (!error.where) return place;
    if (!place || error.where.includes(place)) return error.where;
    return `${place} (${error.where})`;
  }

  /** One problem's lines: message, where (file:line), "How to fix". */
  function problemParts(problem) {
    const where = errorWhere(problem);
    return [
      el("p", {class: "error-message", text: problem.message || String(problem)}),
      where ? el("p", {class: "error-where"}, el("code", {text: where})) : null,
      problem.hint ? el("p", {class: "error-hint"}, el("span", {class: "hint-label", text: "How to fix: "}), problem.hint) : null,
    ];
  }

  /**
   * An ERROR object ({message, file, line, column, hint, where, more}) as a box; every
   * further problem of "more" (each {message, where, hint, ...}) is listed under it.
   */
  function errorBox(error, heading, quiet) {
    const more = Array.isArray(error.more) ? error.more : [];
    // an error that just happened is announced (role alert); one listed on a card is not
    return el("div", {class: "error-box", role: quiet ? null : "alert"},
      heading ? el("p", {class: "error-heading", text: heading}) : null,
      problemParts(error),
      more.length ? el("ol", {class: "error-more", "aria-label": "Each problem"},
        more.map((problem) => el("li", {}, problemParts(problem)))) : null);
  }

  let announceTimer = null;
  /** Tell screen-reader users what changed (a polite live region). */
  function announce(text) {
    const region = document.getElementById("announce");
    clearTimeout(announceTimer);
    region.textContent = "";
    announceTimer = setTimeout(() => { region.textContent = text; }, 50);
  }

  function percent(value, whole) {
    return `${(100 * value / whole).toFixed(4)}%`;
  }

  /** Position a child of an overlay at a box [x, y, w, h] given in page pixels. */
  function placeBox(node, box, width, height) {
    const [x, y, w, h] = box;
    node.style.left = percent(x, width);
    node.style.top = percent(y, height);
    node.style.width = percent(w, width);
    node.style.height = percent(h, height);
    return node;
  }

  /** The four safe-zone bands of a format, drawn over a picture of width x height. */
  function drawSafeZones(overlay, format, width, height) {
    overlay.replaceChildren();
    const [top, right, bottom, left] = format.safe || [0, 0, 0, 0];
    const names = format.bands || ["", "", "", ""];
    const bands = [
      ["top", [0, 0, width, top], names[0]],
      ["right", [width - right, top, right, height - top - bottom], names[1]],
      ["bottom", [0, height - bottom, width, bottom], names[2]],
      ["left", [0, top, left, height - top - bottom], names[3]],
    ];
    let drawn = 0;
    for (const [side, box, name] of bands) {
      if (box[2] <= 0 || box[3] <= 0) continue;
      const label = name || `${side} margin`;
      overlay.append(placeBox(el("div", {class: `band band-${side}`},
        el("span", {class: "band-label", text: `${label} (${side === "top" || side === "bottom" ? box[3] : box[2]} px)`})),
      box, width, height));
      drawn += 1;
    }
    if (!drawn) {
      overlay.append(el("div", {class: "band-none", text: `${format.label || format.name}: no safe-zone insets`}));
    }
  }

  // ------------------------------------------------------------ page state

  const app = {
    state: null, // the last /api/state
    view: null, // the controller of what is shown: GalleryView or TemplateView
    source: null, // the EventSource of /events
    everConnected: false,
    jobs: new Map(), // full-render job id -> callback(progress)
  };

  function templateByName(name) {
    return app.state ? app.state.templates.find((t) => t.name === name) : undefined;
  }

  function showHeader() {
    const state = app.state;
    if (!state) return;
    const brand = state.brand || {};
    document.getElementById("brand-name").textContent = brand.name
      || (brand.error ? "has an error: posts wait until it is fixed" : "none: the built-in look");
    const brandFile = document.getElementById("brand-file");
    brandFile.textContent = brand.file || (brand.error && brand.error.file) || "";
    const dataFile = document.getElementById("data-file");
    dataFile.textContent = state.data && state.data.file ? state.data.file : "the templates' samples";
    const banner = document.getElementById("brand-error");
    if (brand.error) {
      banner.replaceChildren(errorBox(brand.error, "The brand kit has an error: no post can be made until it is fixed (save it, and the page updates by itself)"));
      banner.hidden = false;
    } else {
      banner.hidden = true;
      banner.replaceChildren();
    }
  }

  async function loadState() {
    app.state = await getJSON("/api/state");
    showHeader();
    return app.state;
  }

  /** A template's error on its card; the brand kit's own error is told once, in the header. */
  function templateErrorNote(error) {
    const brandError = app.state && app.state.brand && app.state.brand.error;
    if (brandError && errorWhere(brandError) === errorWhere(error)) {
      return el("p", {class: "card-error-short", text: "Not drawn again: the brand kit has an error (shown at the top). The last good pictures stay."});
    }
    return errorBox(error, "This template has an error", true);
  }

  // --------------------------------------------------------------- gallery

  /**
   * Loads the gallery's thumbnails lazily, the ones on screen first, a few at a time: a
   * browser opens only six connections to the preview (one is the live events), and a
   * template opened meanwhile must not wait behind forty thumbnails.
   */
  class ThumbLoader {
    constructor(concurrency) {
      this.concurrency = concurrency;
      this.running = 0;
      this.queue = []; // imgs waiting, in page order
      this.visible = new Set();
      this.observer = new IntersectionObserver((entries) => {
        for (const entry of entries) {
          if (entry.isIntersecting) {
            this.visible.add(entry.target);
            if (!entry.target.dataset.queued && entry.target.dataset.src) {
              entry.target.dataset.queued = "1";
              this.queue.push(entry.target);
            }
          } else {
            this.visible.delete(entry.target);
          }
        }
        this.pump();
      }, {rootMargin: "300px 0px"});
    }

    watch(img) {
      this.observer.observe(img);
    }

    pump() {
      while (this.running < this.concurrency && this.queue.length) {
        let at = this.queue.findIndex((img) => this.visible.has(img));
        if (at < 0) at = 0;
        const img = this.queue.splice(at, 1)[0];
        if (!img.isConnected || !img.dataset.src) continue;
        this.running += 1;
        const done = () => {
          img.removeEventListener("load", done);
          img.removeEventListener("error", done);
          this.running -= 1;
          this.pump();
        };
        img.addEventListener("load", done);
        img.addEventListener("error", done);
        img.src = img.dataset.src;
        delete img.dataset.src;
      }
    }

    /** A new picture for img: now if it was shown already, else when its turn comes. */
    update(img, src) {
      if (img.dataset.src !== undefined) {
        img.dataset.src = src;
        return Promise.resolve(undefined);
      }
      return swapImage(img, src);
    }

    stop() {
      this.observer.disconnect();
      this.queue = [];
    }
  }

  class GalleryView {
    constructor(main) {
      this.main = main;
      this.thumbs = []; // {img, template, format}
      this.build();
    }

    build() {
      const templates = app.state.templates;
      const list = el("ul", {class: "cards"});
      if (this.loader) this.loader.stop();
      this.loader = new ThumbLoader(3);
      this.thumbs = [];
      for (const tpl of templates) {
        const headingId = `card-${tpl.name}`;
        const thumbs = el("div", {class: "thumbs"});
        for (const format of tpl.formats || []) {
          // drawn in a 180 px box, sized before it loads (no jump when it comes)
          const width = format.width >= format.height ? 180 : Math.round(180 * format.width / format.height);
          const height = format.width >= format.height ? Math.round(180 * format.height / format.width) : 180;
          const img = el("img", {
            decoding: "async",
            alt: `${tpl.name} as ${format.label || format.name} (${format.width}×${format.height} px), sample post`,
            "data-src": this.thumbSrc(tpl, format),
            src: BLANK,
            width, height, style: {width: `${width}px`, height: `${height}px`},
          });
          img.addEventListener("error", () => img.closest("figure").classList.add("broken"));
          img.addEventListener("load", () => img.closest("figure").classList.remove("broken"));
          this.thumbs.push({img, template: tpl.name, format: format.name});
          thumbs.append(el("figure", {class: "thumb"},
            el("div", {class: "thumb-frame"}, img),
            el("figcaption", {}, el("span", {class: "fmt-name", text: format.name}),
              format.label ? el("span", {class: "fmt-label", text: format.label}) : null)));
        }
        list.append(el("li", {class: "card", dataset: {template: tpl.name}},
          el("h2", {id: headingId},
            el("a", {class: "card-link", href: `#/t/${enc(tpl.name)}`, text: tpl.name})),
          el("p", {class: "meta"}, el("span", {class: `kind kind-${tpl.kind}`, text: tpl.kind}),
            ` · ${plural((tpl.formats || []).length, "format")}`),
          tpl.description ? el("p", {class: "description", text: tpl.description}) : null,
          el("div", {class: "card-error"}, tpl.error ? templateErrorNote(tpl.error) : null),
          thumbs));
      }
      this.main.replaceChildren(
        el("section", {class: "gallery", "aria-labelledby": "gallery-title"},
          el("h1", {id: "gallery-title", tabindex: "-1", text: "Templates"}),
          el("p", {class: "lead", text:
            `${plural(templates.length, "template")}. Choose one to see it in every format, with your posts.`}),
          list));
      for (const thumb of this.thumbs) this.loader.watch(thumb.img);
    }

    thumbSrc(tpl, format) {
      return `/thumb/${enc(tpl.name)}/${enc(format.name)}.png?v=${app.state.version}`;
    }

    focus() {
      document.getElementById("gallery-title").focus({preventScroll: true});
    }

    /**
     * After a change: rebuild when the templates or their formats changed; otherwise update
     * the error notes and swap the thumbnails, each kept until its new picture has loaded
     * (a template that broke keeps its last good thumbnails, marked as such).
     */
    changed(names) {
      const shown = this.thumbs.map((t) => `${t.template}/${t.format}`).join(",");
      const now = app.state.templates.flatMap((t) => (t.formats || []).map((f) => `${t.name}/${f.name}`)).join(",");
      if (shown !== now) {
        const y = window.scrollY;
        this.build();
        window.scrollTo(0, y);
        return;
      }
      for (const tpl of app.state.templates) {
        const slot = this.main.querySelector(`.card[data-template="${CSS.escape(tpl.name)}"] .card-error`);
        if (slot) slot.replaceChildren(tpl.error ? templateErrorNote(tpl.error) : "");
      }
      for (const thumb of this.thumbs) {
        if (!names.includes("*") && !names.includes(thumb.template)) continue;
        const tpl = templateByName(thumb.template);
        const format = tpl.formats.find((f) => f.name === thumb.format);
        const figure = thumb.img.closest("figure");
        if (tpl.error && thumb.img.complete && thumb.img.naturalWidth > 0) {
          figure.classList.add("stale"); // nothing new to show: keep the last good picture
          continue;
        }
        this.loader.update(thumb.img, this.thumbSrc(tpl, format)).then((swapped) => {
          if (swapped !== undefined) figure.classList.toggle("stale", !swapped && thumb.img.naturalWidth > 0);
        });
      }
    }

    /** Leaving the gallery: stop the thumbnails still loading.  The browser opens only six
     *  connections to the preview, and the template view needs them at once. */
    destroy() {
      this.loader.stop();
      for (const thumb of this.thumbs) {
        if (!thumb.img.complete) thumb.img.removeAttribute("src");
      }
    }
  }

  // --------------------------------------------------------- template view

  class TemplateView {
    constructor(main, tpl) {
      this.main = main;
      this.name = tpl.name;
      this.tpl = tpl;
      this.format = null;
      this.post = null;
      this.posts = []; // every post (no search)
      this.known = new Map(); // index -> a post listed before (for one listed no more)
      this.matches = null; // posts matching the search, or null
      this.query = "";
      this.total = 0;
      this.views = new Map(); // format -> last /api/view (or /api/video) answer
      this.seq = 0; // bumps when format/post change or a refresh starts
      this.highlighted = null;
      this.build();
    }

    get isVideo() {
      return this.tpl.kind === "video";
    }

    formatInfo(name) {
      return (this.tpl.formats || []).find((f) => f.name === name);
    }

    build() {
      const tpl = this.tpl;
      this.heading = el("h1", {tabindex: "-1"}, tpl.name, " ",
        el("span", {class: `kind kind-${tpl.kind}`, text: tpl.kind}));
      this.tplError = el("div", {class: "tpl-error"});

      // post picker
      this.prevButton = el("button", {type: "button", class: "btn", "aria-keyshortcuts": "ArrowLeft",
        title: "Previous post (← key)", onclick: () => this.step(-1)}, "← Previous");
      this.nextButton = el("button", {type: "button", class: "btn", "aria-keyshortcuts": "ArrowRight",
        title: "Next post (→ key)", onclick: () => this.step(1)}, "Next →");
      this.select = el("select", {id: "post-select", onchange: () => this.go(this.format, Number(this.select.value))});
      this.search = el("input", {type: "search", id: "post-search", placeholder: "Title…", autocomplete: "off",
        spellcheck: "false"});
      this.search.addEventListener("input", debounce(() => this.runSearch(this.search.value), 200));
      this.search.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && this.matches && this.matches.length) {
          event.preventDefault();
          this.go(this.format, this.matches[0].index);
        }
      });
      this.postCount = el("span", {class: "post-count", "aria-live": "polite"});
      this.postNote = el("p", {class: "note", hidden: true});
      const picker = el("div", {class: "picker", role: "group", "aria-label": "Choose the post"},
        this.prevButton,
        el("label", {class: "field"}, el("span", {text: "Post"}), this.select),
        this.nextButton,
        el("label", {class: "field"}, el("span", {text: "Search by title"}), this.search),
        this.postCount);

      // formats
      this.formatButtons = el("div", {class: "format-tabs", role: "group", "aria-label": "Format"});
      for (const format of tpl.formats || []) {
        this.formatButtons.append(el("button", {type: "button", class: "btn format-btn",
          dataset: {format: format.name}, "aria-pressed": "false",
          onclick: () => this.go(format.name, this.post)},
        el("span", {class: "fmt-name", text: format.name}),
        el("span", {class: "fmt-size", text: `${format.width}×${format.height}`})));
      }

      // toggles
      this.safeToggle = el("input", {type: "checkbox", id: "toggle-safe", "aria-keyshortcuts": "S"});
      this.boxesToggle = el("input", {type: "checkbox", id: "toggle-boxes", "aria-keyshortcuts": "B"});
      this.safeToggle.addEventListener("change", () => this.main.classList.toggle("show-safe", this.safeToggle.checked));
      this.boxesToggle.addEventListener("change", () => this.main.classList.toggle("show-boxes", this.boxesToggle.checked));
      this.renderStatus = el("span", {class: "render-status", "aria-live": "off"});
      const toolbar = el("div", {class: "toolbar"},
        this.formatButtons,
        el("div", {class: "toggles", role: "group", "aria-label": "Show on the picture"},
          el("label", {class: "toggle"}, this.safeToggle, " Safe zones"),
          el("label", {class: "toggle"}, this.boxesToggle, " Layout boxes")),
        el("p", {class: "keys"}, "Keys: ", el("kbd", {text: "←"}), " ", el("kbd", {text: "→"}), " post, ",
          el("kbd", {text: "S"}), " safe zones, ", el("kbd", {text: "B"}), " boxes"));

      // the render area: error (when the render failed) beside the pictures
      this.renderError = el("div", {class: "render-error", hidden: true});
      this.pages = el("div", {class: "pages", "aria-label": "The render"});
      this.renderArea = el("div", {class: "render-area"}, this.renderError, this.pages);

      // all formats side by side
      this.strip = el("div", {class: "strip"});
      this.stripItems = new Map();
      {
        for (const format of tpl.formats || []) {
          const img = el("img", {alt: "", decoding: "async"});
          const status = el("span", {class: "strip-status"});
          const button = el("button", {type: "button", class: "strip-item", dataset: {format: format.name},
            onclick: () => this.go(format.name, this.post), "aria-label": `Show ${format.name} large`},
          el("span", {class: "strip-frame"}, img),
          el("span", {class: "fmt-name", text: format.name}),
          el("span", {class: "fmt-label", text: `${format.label || ""} ${format.width}×${format.height}`}),
          status);
          this.stripItems.set(format.name, {button, img, status});
          this.strip.append(button);
        }
      }

      // caption, alt text, diagnostics
      this.captionCounts = el("p", {class: "counts"});
      this.captionText = el("pre", {class: "caption-text"});
      this.copyButton = el("button", {type: "button", class: "btn small", onclick: () => this.copyCaption()}, "Copy caption");
      this.altList = el("div", {class: "alts"});
      this.diagHeading = el("h2", {text: "Diagnostics"});
      this.diagList = el("ul", {class: "diagnostics"});
      this.textsNote = el("p", {class: "note stale-note", hidden: true,
        text: "These texts are from the last good render."});
      this.sideNote = el("p", {class: "updating-note", hidden: true,
        text: "Updating… the texts below are the previous post's until the new render arrives."});
      const side = el("aside", {class: "side", "aria-label": "Caption, alt text and diagnostics"},
        this.sideNote,
        el("section", {class: "panel"}, this.diagHeading, this.diagList),
        el("section", {class: "panel"}, el("div", {class: "panel-head"}, el("h2", {text: "Caption"}), this.copyButton),
          this.textsNote, this.captionCounts, this.captionText),
        el("section", {class: "panel"}, el("h2", {text: "Alt text"}), this.altList));
      this.side = side;

      const mainCol = el("div", {class: "main-col"}, this.renderStatus);
      if (this.isVideo) {
        // the error (when the draft failed) stands beside the player, as beside a picture;
        // the formats' cover frames side by side under it
        this.video = new VideoPanel(this);
        this.renderArea.replaceChildren(this.renderError, this.video.root);
        mainCol.append(this.renderArea,
          el("section", {class: "strip-section strip-video", "aria-labelledby": "strip-title"},
            el("h2", {id: "strip-title", class: "strip-title", text: "Every format (cover frame)"}), this.strip));
      } else {
        mainCol.append(el("div", {class: "render-row"}, this.renderArea,
          el("section", {class: "strip-section", "aria-labelledby": "strip-title"},
            el("h2", {id: "strip-title", class: "strip-title", text: "Every format"}), this.strip)));
      }

      this.main.replaceChildren(
        el("section", {class: "tview", "aria-labelledby": "tview-title"},
          el("nav", {class: "crumbs", "aria-label": "Breadcrumb"}, el("a", {href: "#/", text: "All templates"})),
          el("div", {class: "tv-head"}, this.heading,
            tpl.description ? el("p", {class: "description", text: tpl.description}) : null),
          this.tplError, picker, this.postNote, toolbar,
          el("div", {class: "layout"}, mainCol, side)));
      this.heading.id = "tview-title";
      this.showTemplateError();
    }

    focus() {
      this.heading.focus({preventScroll: true});
    }

    /** A template that cannot load at all (no format to render) says why here; otherwise the
     *  render area shows the error, beside the last good picture. */
    showTemplateError() {
      const alone = this.tpl.error && !(this.tpl.formats || []).length;
      this.tplError.replaceChildren(alone ? errorBox(this.tpl.error, "This template has an error") : "");
    }

    /** Go to a format and post through the address (so Back and bookmarks work). */
    go(format, post) {
      const hash = `#/t/${enc(this.name)}/${enc(format)}/${post}`;
      if (location.hash !== hash) location.hash = hash;
    }

    /** Show format (or the first) and post (or the first); loads the post list once. */
    async setRoute(format, post) {
      const formats = this.tpl.formats || [];
      if (!formats.length) {
        this.renderStatus.textContent = "This template has no formats to show.";
        return;
      }
      if (!format || !this.formatInfo(format)) format = formats[0].name;
      if (!this.posts.length) await this.loadPosts();
      if (post === null || post === undefined || Number.isNaN(post)) {
        // with a data file the first of its posts (after the sample), else the sample
        const hasData = !!(app.state && app.state.data && app.state.data.file);
        const first = hasData && this.posts.length > 1 ? this.posts[1] : this.posts[0];
        post = first ? first.index : 0;
      }
      const changed = format !== this.format || post !== this.post;
      this.format = format;
      this.post = post;
      for (const button of this.formatButtons.querySelectorAll(".format-btn")) {
        button.setAttribute("aria-pressed", String(button.dataset.format === format));
      }
      for (const [name, item] of this.stripItems) item.button.classList.toggle("current", name === format);
      this.showPicker();
      if (changed) {
        this.textsShown = false; // another post's texts are no last good render of this one
        await this.refresh(true);
      }
    }

    /** The template's posts; while the template is broken the list it had stays. */
    async loadPosts() {
      try {
        const answer = await getJSON(`/api/posts/${enc(this.name)}`);
        if (answer.error && this.posts.length) {
          this.postNote.textContent = "";
          this.postNote.hidden = true;
          return;
        }
        // posts seen before are remembered: one that went away keeps its name on the page
        for (const post of this.posts) this.known.set(post.index, post);
        this.posts = answer.posts || [];
        this.total = answer.total ?? this.posts.length;
        // the server lists at most so many posts; "matches" counts them all
        this.listedOf = answer.matches ?? this.total;
        this.postsNote = answer.note || "";
        this.postNote.textContent = answer.note || "";
        this.postNote.hidden = !answer.note;
      } catch (error) {
        if (!this.posts.length) {
          this.postNote.textContent = `The posts could not be listed: ${error.message}`;
          this.postNote.hidden = false;
        }
      }
      if (this.query) await this.runSearch(this.query);
    }

    async runSearch(query) {
      this.query = query.trim();
      if (!this.query) {
        this.matches = null;
        this.showPicker();
        return;
      }
      const asked = this.query;
      try {
        const answer = await getJSON(`/api/posts/${enc(this.name)}?q=${enc(asked)}`);
        if (asked !== this.query) return; // typed on since
        this.matches = answer.posts || [];
        this.matchCount = answer.matches ?? this.matches.length;
      } catch (error) {
        this.matches = [];
        this.matchCount = 0;
      }
      this.showPicker();
    }

    /** The posts prev/next walk through: the search's matches, or every post. */
    get shownPosts() {
      return this.matches || this.posts;
    }

    /** True when the server listed fewer posts than there are (it lists at most so many). */
    get listCut() {
      return this.matches ? this.matches.length < (this.matchCount ?? 0)
        : this.posts.length < (this.listedOf ?? this.posts.length);
    }

    showPicker() {
      const shown = this.shownPosts;
      const options = shown.map((p) => el("option", {value: p.index, selected: p.index === this.post},
        `${p.label}${p.title ? " — " + p.title : ""}`));
      if (!shown.some((p) => p.index === this.post)) {
        const listed = this.posts.find((p) => p.index === this.post);
        const current = listed || this.known.get(this.post);
        const label = current ? `${current.label}${current.title ? " — " + current.title : ""}` : `Post ${this.post}`;
        const why = this.matches ? " (not in the search)" : listed || this.listCut ? "" : " (not in the posts now)";
        options.unshift(el("option", {value: this.post, selected: true}, label + why));
      }
      this.select.replaceChildren(...options);
      const position = shown.findIndex((p) => p.index === this.post);
      const total = this.total || shown.length;
      let count;
      if (this.matches) {
        count = this.matches.length
          ? `${plural(this.matchCount, "match", "matches")} of ${total}`
          : `No title matches “${this.query}”`;
        if (this.listCut) count += ` (first ${this.matches.length} listed; type more of the title to narrow it)`;
      } else {
        // posts are numbered in order, the sample first: post N is the (N+1)th of the total
        const place = position >= 0 ? shown[position].index + 1
          : this.post !== null && this.post < total ? this.post + 1 : null;
        count = shown.length ? (place ? `${place} of ${total}` : `not among the posts now (${plural(total, "post")})`) : "";
        if (this.listCut) count += ` · first ${shown.length} listed; search by title to find others`;
      }
      this.postCount.textContent = count;
      this.prevButton.disabled = shown.length < 2 && position >= 0;
      this.nextButton.disabled = shown.length < 2 && position >= 0;
    }

    step(delta) {
      const shown = this.shownPosts;
      if (!shown.length) return;
      let position = shown.findIndex((p) => p.index === this.post);
      const total = this.total || shown.length;
      if (!this.matches && this.listCut && this.post !== null) {
        // the list is cut: past its end (or from a post not listed) go by number, not back to the start
        const beyond = position < 0 || (delta > 0 && position === shown.length - 1);
        if (beyond) {
          const next = this.post + delta;
          if (next >= 0 && next < total) {
            this.go(this.format, next);
            return;
          }
          if (next >= total) position = -1;
        }
      }
      if (position < 0) position = delta > 0 ? -1 : 0;
      const next = (position + delta + shown.length) % shown.length;
      this.go(this.format, shown[next].index);
    }

    viewUrl(format) {
      const kind = this.isVideo ? "video" : "view";
      return `/api/${kind}/${enc(this.name)}/${enc(format)}/${this.post}`;
    }

    /**
     * Fetch the chosen format's view (and every other format's, for the strip) and
     * show them; answers that arrive after the format/post changed again are dropped.
     */
    async refresh(moved) {
      const seq = ++this.seq;
      const chosen = this.format;
      // a status a user reads: which post, and that it is being drawn
      this.renderStatus.classList.toggle("updating", !moved);
      if (moved) this.renderStatus.textContent = `${this.format}, ${this.postLabel()}: rendering…`;
      // what is shown until the new answer comes belongs to the post shown before: say so
      if (moved) this.markOutdated(true);
      this.main.classList.add("busy");
      const formats = [chosen, ...(this.tpl.formats || []).map((f) => f.name).filter((n) => n !== chosen)];
      for (const format of formats) {
        const item = this.stripItems.get(format);
        if (item) item.button.classList.add("updating");
      }
      const jobs = formats.map(async (format) => {
        let view;
        try {
          view = await getJSON(this.viewUrl(format) + (format === chosen ? "" : "?side=1"));
        } catch (error) {
          // 404: the post is not among the template's posts now (the data file went away,
          // or shrank); the server's {"error"} says why
          const detail = error.body && error.body.error && typeof error.body.error === "object"
            ? error.body.error : {message: error.message};
          view = {ok: false, error: detail, pages: [], last_good: null, failed: true,
            gone: error.status === 404};
        }
        if (seq !== this.seq) return;
        this.views.set(format, view);
        try {
          if (format === chosen) await this.showMain(view, seq);
        } finally {
          if (seq === this.seq) this.showStripItem(format, view);
        }
      });
      try {
        await Promise.all(jobs);
      } finally {
        if (seq === this.seq) {
          this.main.classList.remove("busy");
          this.markOutdated(false);
        }
      }
    }

    /** Dim what still shows the post shown before (texts; a clip's draft), "Updating…". */
    markOutdated(on) {
      this.side.classList.toggle("outdated", on);
      this.sideNote.hidden = !on;
      if (this.isVideo) this.video.root.classList.toggle("outdated", on);
      else this.pages.classList.toggle("outdated", on);
    }

    /** Why the post shown cannot be drawn now, and what the page does about it. */
    failureNote(view, keptPicture) {
      if (view.gone) {
        const listed = this.postsNote ? ` The post list says: “${this.postsNote}”.` : "";
        return `This post is not among the template's posts now.${listed} `
          + (keptPicture ? "Beside it: the last picture of it. " : "")
          + "It shows again by itself once the post is back in the data.";
      }
      return keptPicture
        ? "Beside it: the last good render. Save the file again once it is fixed; the page updates by itself."
        : "There is no good render of this post yet. Save the file again once it is fixed.";
    }

    async showMain(view, seq) {
      const format = this.formatInfo(this.format);
      const failed = view.ok === false;
      const key = `${this.format}/${this.post}`;
      // a post that went away keeps the picture it had (the last picture), marked as such
      const kept = failed && !view.last_good && this.shownKey === key
        && !!this.pages.querySelector("figure.page img.render[src]");
      this.renderArea.classList.toggle("has-error", failed);
      if (failed) {
        const error = view.error || {message: "The render failed."};
        this.renderError.replaceChildren(
          errorBox(error, view.gone ? "This post cannot be shown now" : "This render failed"),
          el("p", {class: "note", text: this.failureNote(view, !!view.last_good || kept)}));
        this.renderError.hidden = false;
        announce(`${view.gone ? "Post not found" : "Render failed"}: ${error.message} ${errorWhere(error)}`);
      } else {
        this.renderError.hidden = true;
        this.renderError.replaceChildren();
      }
      if (this.isVideo) {
        // the texts first (the JSON is here); the draft is marked until it can play
        this.showTexts(view, failed);
        this.side.classList.remove("outdated");
        this.sideNote.hidden = true;
        await this.video.show(view, format, seq);
      } else {
        const good = failed ? view.last_good : view;
        await this.showPages(good, view, format, failed, seq, kept);
      }
      if (seq !== this.seq) return;
      if (!this.isVideo) this.showTexts(view, failed);
      this.markOutdated(false);
      let shown;
      if (!failed) {
        if (view.render !== this.updatedRender || !this.updatedAt) {
          this.updatedRender = view.render;
          this.updatedAt = new Date().toLocaleTimeString([], {hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false});
        }
        shown = `updated ${this.updatedAt}`;
      } else if (view.gone) {
        shown = kept ? "not in the posts now; the last picture stays" : "not in the posts now";
      } else {
        shown = view.last_good ? "the render failed; the last good picture stays" : "the render failed; nothing to show yet";
      }
      this.renderStatus.textContent = `${this.format}, ${this.postLabel()} · ${shown}`;
      if (!failed) announce(`Updated: ${this.format}, ${this.postLabel()}`);
    }

    postLabel() {
      const post = this.posts.find((p) => p.index === this.post) || this.known.get(this.post);
      return post ? post.label : `post ${this.post}`;
    }

    /** The big picture(s): one stage per page, each with its overlays. */
    async showPages(good, view, format, failed, seq, kept) {
      if (kept) {
        // the post is gone for now: the pictures it had stay, marked as the last ones
        for (const figure of this.pages.querySelectorAll("figure.page")) figure.dataset.state = "last-good";
        return;
      }
      const pages = good ? good.pages || [] : [];
      const width = view.width || format.width;
      const height = view.height || format.height;
      // only figures are counted below ("No good render" notes go)
      for (const child of [...this.pages.children]) if (!child.matches("figure.page")) child.remove();
      while (this.pages.children.length > pages.length) this.pages.lastElementChild.remove();
      while (this.pages.children.length < pages.length) {
        const index = this.pages.children.length;
        const img = el("img", {class: "render", decoding: "async"});
        const stage = el("div", {class: "stage"}, img,
          el("div", {class: "overlay safe-overlay", "aria-hidden": "true"}),
          el("div", {class: "overlay boxes-overlay", "aria-hidden": "true"}),
          el("div", {class: "overlay diag-overlay", "aria-hidden": "true"}),
          el("span", {class: "last-good-badge", text: "Last good render"}),
          el("span", {class: "updating-badge", text: "Updating…"}));
        this.pages.append(el("figure", {class: "page", dataset: {page: index}}, stage,
          el("figcaption", {class: "page-caption"})));
      }
      this.pages.classList.toggle("carousel", pages.length > 1);
      if (!pages.length) {
        this.pages.replaceChildren(el("p", {class: "empty", text: failed ? "No good render to show yet." : "This render has no pages."}));
        return;
      }
      const alts = (failed ? null : view.alts) || [];
      const swaps = [];
      [...this.pages.children].forEach((figure, index) => {
        const img = figure.querySelector("img.render");
        const stage = figure.querySelector(".stage");
        const renderId = failed ? good.render : view.render;
        stage.dataset.aspect = `${width}x${height}`;
        img.width = width;
        img.height = height;
        figure.dataset.state = failed ? "last-good" : "ok";
        const alt = alts[index] || (view.alts || [])[index] || `${this.name} as ${this.format}, page ${index + 1}`;
        img.alt = failed ? `Last good render: ${alt}` : alt;
        figure.querySelector(".page-caption").textContent = pages.length > 1
          ? `Slide ${index + 1} of ${pages.length}` : `${format.label || format.name}, ${width}×${height} px`;
        drawSafeZones(figure.querySelector(".safe-overlay"), format, width, height);
        this.drawBoxes(figure.querySelector(".boxes-overlay"), failed ? [] : view.boxes || [], index, width, height);
        swaps.push(swapImage(img, pages[index]).then((ok) => {
          if (ok && seq === this.seq) {
            img.dataset.render = String(renderId);
            this.shownKey = `${format.name}/${this.post}`;
          }
        }));
      });
      await Promise.all(swaps);
    }

    /**
     * The laid-out boxes of one page.  A box big enough (a tenth of the page wide, a
     * thirtieth high) whose corner no labelled box took already carries its label
     * ("text · line 116"); every box shows its label when pointed at.
     */
    drawBoxes(overlay, boxes, page, width, height) {
      overlay.replaceChildren();
      const corners = [];
      for (const box of boxes) {
        if ((box.page || 0) !== page || !box.box) continue;
        const [x, y, w, h] = box.box;
        const label = `${box.tag}${box.line ? " · line " + box.line : ""}`;
        const big = w >= width / 10 && h >= height / 30;
        const near = corners.some(([cx, cy]) => Math.abs(cx - x) < width / 6 && Math.abs(cy - y) < height / 40);
        const labelled = big && !near;
        if (labelled) corners.push([x, y]);
        // a label sits above its box, or inside it at the page's top edge
        const inside = y < height / 25 ? " inside" : "";
        overlay.append(placeBox(el("div", {class: `lbox lbox-${box.tag}${labelled ? " labelled" : ""}${inside}`,
          title: box.text ? `${label}: ${box.text}` : label},
        el("span", {class: "lbox-label", text: label})), box.box, width, height));
      }
    }

    showStripItem(format, view) {
      const item = this.stripItems.get(format);
      if (!item) return;
      const failed = view.ok === false;
      const good = failed ? view.last_good : view;
      // a clip shows its cover frame (the frame the platforms show in the grid)
      const pages = !good ? [] : good.frame ? [`${good.frame}&t=${good.cover_time || 0}`] : good.pages || [];
      const info = this.formatInfo(format);
      item.button.classList.toggle("failed", failed);
      const diagnostics = view.diagnostics || [];
      const problems = diagnostics.filter((d) => d.severity === "error" || d.severity === "warning").length;
      item.status.textContent = view.gone ? "not in the posts now"
        : failed ? "render failed" + (pages.length ? " (last good shown)" : "")
        : `${pages.length > 1 ? plural(pages.length, "slide") + ", " : ""}${problems ? plural(problems, "warning") : "no warnings"}`;
      item.img.alt = `${this.name} as ${format}${failed ? ", last good render" : ""}`;
      if (!pages.length) {
        item.button.classList.remove("updating");
        return;
      }
      item.img.width = info.width;
      item.img.height = info.height;
      swapImage(item.img, pages[0]).then((swapped) => {
        if (swapped || item.img.getAttribute("src") === pages[0]) item.button.classList.remove("updating");
      });
    }

    /** Caption, alt texts and their counts; diagnostics. */
    showTexts(view, failed) {
      // a failed render has no texts: keep the last good render's, marked as such
      const stale = failed && this.textsShown;
      this.textsNote.hidden = !stale;
      if (stale) {
        if ((view.diagnostics || []).length) this.showDiagnostics(view.diagnostics);
        return;
      }
      this.textsShown = !failed;
      const counts = view.counts || {};
      const format = this.formatInfo(this.format);
      const platform = format && format.platform ? format.platform : "this platform";
      this.captionText.textContent = view.caption || "";
      this.captionCounts.replaceChildren(
        countBadge(counts.caption_chars, counts.caption_limit, "character", platform),
        " ",
        countBadge(counts.hashtags, counts.hashtag_limit, "hashtag", platform));
      const alts = view.alts || [];
      const altChars = counts.alt_chars || [];
      this.altList.replaceChildren(...alts.map((alt, index) => el("div", {class: "alt"},
        alts.length > 1 ? el("h3", {text: `Slide ${index + 1}`}) : null,
        el("p", {class: "counts"}, countBadge(altChars[index] ?? [...alt].length, counts.alt_limit ?? null, "character", platform)),
        el("p", {class: "alt-text", text: alt}))));
      if (!alts.length) this.altList.replaceChildren(el("p", {class: "note", text: "No alt text."}));
      this.showDiagnostics(view.diagnostics || []);
    }

    showDiagnostics(diagnostics) {
      this.clearHighlight();
      this.diagHeading.textContent = diagnostics.length ? `Diagnostics (${diagnostics.length})` : "Diagnostics";
      if (!diagnostics.length) {
        this.diagList.replaceChildren(el("li", {class: "diag-none", text: "Nothing to report: the checks passed."}));
        return;
      }
      const order = {error: 0, warning: 1, info: 2};
      const sorted = [...diagnostics].sort((a, b) => (order[a.severity] ?? 3) - (order[b.severity] ?? 3));
      this.diagList.replaceChildren(...sorted.map((d) => {
        const item = el("button", {type: "button", class: `diag diag-${d.severity}`,
          dataset: {code: d.code, box: d.box ? d.box.join(",") : ""}},
          el("span", {class: "diag-top"},
            el("span", {class: `severity sev-${d.severity}`, text: d.severity}),
            el("code", {class: "diag-code", text: d.code})),
          el("span", {class: "diag-message", text: d.message}),
          d.where ? el("span", {class: "diag-where", text: d.where}) : null,
          d.hint ? el("span", {class: "diag-hint", text: d.hint}) : null,
          el("span", {class: "diag-place", text: d.box ? `Outlined on ${this.pageName(d.page)} when pointed at or focused`
            : "No single place on the picture"}));
        const show = () => this.highlight(d);
        item.addEventListener("mouseenter", show);
        item.addEventListener("focus", show);
        item.addEventListener("mouseleave", () => this.clearHighlight());
        item.addEventListener("blur", () => this.clearHighlight());
        item.addEventListener("click", () => {
          const figure = this.figureFor(d.page);
          if (figure) figure.scrollIntoView({block: "nearest", inline: "nearest", behavior: "smooth"});
        });
        return el("li", {}, item);
      }));
    }

    /** The figure a diagnostic of page N is outlined on (a video's: the frame beside the player). */
    figureFor(page) {
      if (this.isVideo) return this.video.root.querySelector("figure.frame-figure");
      return this.pages.querySelector(`figure[data-page="${page || 0}"]`);
    }

    pageName(page) {
      if (this.isVideo) return "the frame";
      const count = this.pages.querySelectorAll("figure.page").length;
      return count > 1 ? `slide ${(page || 0) + 1}` : "the picture";
    }

    highlight(diagnostic) {
      this.clearHighlight();
      if (!diagnostic.box) return;
      const view = this.views.get(this.format) || {};
      const format = this.formatInfo(this.format);
      // a video's boxes are in the full-size format's pixels, not the draft's
      const width = this.isVideo ? format.width : view.width || format.width;
      const height = this.isVideo ? format.height : view.height || format.height;
      const figure = this.figureFor(diagnostic.page);
      if (!figure) return;
      const overlay = figure.querySelector(".diag-overlay");
      overlay.append(placeBox(el("div", {class: `dbox dbox-${diagnostic.severity}`},
        el("span", {class: "dbox-label", text: diagnostic.code})), diagnostic.box, width, height));
      this.highlighted = overlay;
    }

    clearHighlight() {
      if (this.highlighted) this.highlighted.replaceChildren();
      this.highlighted = null;
    }

    async copyCaption() {
      try {
        await navigator.clipboard.writeText(this.captionText.textContent);
        this.copyButton.textContent = "Copied";
      } catch (_) {
        const range = document.createRange();
        range.selectNodeContents(this.captionText);
        getSelection().removeAllRanges();
        getSelection().addRange(range);
        this.copyButton.textContent = "Selected: press Ctrl+C";
      }
      setTimeout(() => { this.copyButton.textContent = "Copy caption"; }, 2000);
    }

    /** The watcher saw a change: new template info, posts and renders; same format and post. */
    async changed(names) {
      const tpl = templateByName(this.name);
      if (!tpl) {
        this.main.replaceChildren(el("p", {class: "banner error-box", role: "alert",
          text: `The template ${this.name} is gone.`}), el("a", {href: "#/", text: "All templates"}));
        return;
      }
      const formatsBefore = (this.tpl.formats || []).map((f) => f.name).join(",");
      this.tpl = tpl;
      this.showTemplateError();
      if (!names.includes("*") && !names.includes(this.name)) return;
      if ((tpl.formats || []).map((f) => f.name).join(",") !== formatsBefore) {
        const y = window.scrollY;
        this.views.clear();
        this.build();
        this.posts = [];
        const format = this.format;
        this.format = null;
        await this.setRoute(format, this.post);
        window.scrollTo(0, y);
        return;
      }
      await this.loadPosts();
      this.showPicker();
      await this.refresh(false);
    }

    destroy() {
      if (this.video) this.video.destroy();
      this.seq += 1;
      this.main.classList.remove("show-safe", "show-boxes", "busy");
    }
  }

  function countBadge(value, limit, unit, platform) {
    if (value === null || value === undefined) return el("span", {class: "count", text: `— ${unit}s`});
    const over = limit !== null && limit !== undefined && value > limit;
    const text = limit !== null && limit !== undefined
      ? `${value} / ${limit} ${unit}s`
      : `${plural(value, unit)} (no ${platform} limit known to libmedia)`;
    return el("span", {class: `count${over ? " over" : ""}`, title: over ? `Over ${platform}'s limit of ${limit}` : ""},
      text, over ? el("span", {class: "over-label", text: ` — ${value - limit} over the limit`}) : null);
  }

  // ------------------------------------------------------------ video panel

  /** The draft player, the scrubber with its scene marks and the full-size render of a video template. */
  class VideoPanel {
    constructor(view) {
      this.view = view;
      this.duration = 0;
      this.fps = 30;
      this.renderId = null;
      this.job = null;
      this.video = this.makeVideo();
      this.frame = el("img", {class: "frame", alt: "", decoding: "async"});
      this.frameStage = el("div", {class: "stage"}, this.frame,
        el("div", {class: "overlay safe-overlay", "aria-hidden": "true"}),
        el("div", {class: "overlay diag-overlay", "aria-hidden": "true"}),
        el("span", {class: "last-good-badge", text: "Last good render"}),
        el("span", {class: "updating-badge", text: "Updating…"}));
      this.videoStage = el("div", {class: "stage video-stage"}, this.video,
        el("div", {class: "overlay safe-overlay", "aria-hidden": "true"}),
        el("span", {class: "last-good-badge", text: "Last good render"}),
        el("span", {class: "updating-badge", text: "Updating…"}));
      this.frameLabel = el("output", {id: "frame-time", text: seconds(0)});
      this.draftInfo = el("figcaption", {class: "page-caption"});
      this.scrub = el("input", {type: "range", id: "scrubber", min: "0", max: "0", step: "0.0333", value: "0",
        "aria-describedby": "scrub-time"});
      this.scrubTime = el("output", {id: "scrub-time", for: "scrubber", text: ""});
      this.marks = el("div", {class: "marks", "aria-hidden": "true"});
      this.scenes = el("ol", {class: "scenes"});
      this.fullButton = el("button", {type: "button", class: "btn primary", onclick: () => this.renderFull()}, "Render full size");
      this.progress = el("progress", {max: "1", value: "0", hidden: true, "aria-label": "Full-size render progress"});
      this.fullStatus = el("span", {class: "full-status", role: "status"});
      this.download = el("a", {class: "btn download", hidden: true, download: ""}, "Download the full-size clip");
      this.fullError = el("div", {class: "full-error"});
      this.updateFrame = debounce(() => this.showFrame(), 60);
      this.scrub.addEventListener("input", () => {
        this.scrubTime.textContent = `${seconds(this.scrub.value)} of ${seconds(this.duration)}`;
        if (this.video.paused) this.video.currentTime = Number(this.scrub.value);
        this.updateFrame();
      });
      // the pictures of the video template: two figures (pages) the template view's overlays use
      this.root = el("div", {class: "video-panel"},
        el("div", {class: "video-pair"},
          el("figure", {class: "page", dataset: {page: "0"}}, this.videoStage, this.draftInfo),
          el("figure", {class: "page frame-figure", dataset: {page: "frame"}}, this.frameStage,
            el("figcaption", {class: "page-caption"}, "Frame at ", this.frameLabel))),
        el("div", {class: "scrub-row"},
          el("label", {for: "scrubber", text: "Time"}),
          el("div", {class: "scrub-track"}, this.scrub, this.marks),
          this.scrubTime),
        el("h2", {text: "Scenes"}), this.scenes,
        el("div", {class: "full"}, this.fullButton, this.progress, this.fullStatus, this.download),
        this.fullError);
    }

    makeVideo() {
      const video = el("video", {controls: true, preload: "auto", playsinline: true, class: "draft"});
      video.addEventListener("timeupdate", () => {
        if (document.activeElement === this.scrub) return;
        this.scrub.value = String(video.currentTime);
        this.scrubTime.textContent = `${seconds(video.currentTime)} of ${seconds(this.duration)}`;
      });
      video.addEventListener("pause", () => {
        this.scrub.value = String(video.currentTime);
        this.updateFrame();
      });
      return video;
    }

    draftParam(name) {
      const src = this.draftSrc || "";
      const match = new RegExp(`[?&]${name}=([^&]*)`).exec(src);
      return match ? match[1] : null;
    }

    frameSrc(t) {
      const v = this.view;
      const time = Number(t).toFixed(3);
      if (this.frameBase) return `${this.frameBase}${this.frameBase.includes("?") ? "&" : "?"}t=${time}`;
      const r = this.draftParam("r");
      return `/frame/${enc(v.name)}/${enc(v.format)}/${v.post}.png?t=${time}${r ? "&r=" + r : ""}`;
    }

    async showFrame() {
      const t = Number(this.scrub.value);
      this.frameLabel.textContent = seconds(t);
      const scene = this.sceneAt(t);
      this.frame.alt = `Frame at ${seconds(t)}${scene ? ", scene " + (scene.label || "") : ""}`;
      if (this.failedWithoutDraft) return;
      await swapImage(this.frame, this.frameSrc(t));
    }

    sceneAt(t) {
      return (this.sceneList || []).find((s) => t >= s.start && t < s.start + s.duration) || null;
    }

    /** Show a /api/video answer (or its last good draft when ok is false). */
    async show(answer, format, seq) {
      const failed = answer.ok === false;
      const good = failed ? answer.last_good : answer;
      this.root.classList.toggle("last-good", failed && !!good);
      for (const figure of this.root.querySelectorAll("figure.page")) figure.dataset.state = failed ? "last-good" : "ok";
      this.failedWithoutDraft = failed && !(good && good.draft);
      if (!good || !good.draft) {
        this.draftInfo.textContent = failed ? "No good draft to show yet." : "No draft.";
        return;
      }
      const first = !this.draftSrc;
      this.duration = Number(good.duration ?? 0);
      this.fps = Number(good.fps ?? 30);
      const width = good.draft_width ?? good.width ?? format.width;
      const height = good.draft_height ?? good.height ?? format.height;
      this.frameBase = good.frame || null;
      this.scrub.max = String(this.duration);
      this.scrub.step = String(1 / this.fps);
      if (first && good.cover_time) this.scrub.value = String(good.cover_time);
      if (Number(this.scrub.value) > this.duration) this.scrub.value = String(this.duration);
      this.scrubTime.textContent = `${seconds(this.scrub.value)} of ${seconds(this.duration)}`;
      this.draftInfo.textContent = `Draft ${width}×${height} px, ${seconds(this.duration)} at ${this.fps} fps `
        + `(the full render is ${format.width}×${format.height})`;
      this.video.setAttribute("aria-label", `Draft of ${this.view.name} as ${format.name}`);
      for (const stage of [this.videoStage, this.frameStage]) {
        drawSafeZones(stage.querySelector(".safe-overlay"), format, format.width, format.height);
      }
      this.showScenes(good.scenes || []);
      if (good.draft !== this.draftSrc) await this.swapDraft(good.draft, seq);
      if (seq !== this.view.seq) return;
      this.renderId = this.draftParam("r");
      this.video.dataset.render = this.renderId || "";
      await this.showFrame();
    }

    /** Put a new draft in place once it can play, at the same time, still paused or playing. */
    swapDraft(src, seq) {
      const old = this.video;
      this.draftSrc = src;
      if (!old.getAttribute("src")) {
        old.src = src;
        return Promise.resolve();
      }
      const next = this.makeVideo();
      next.muted = old.muted;
      next.volume = old.volume;
      next.setAttribute("aria-label", old.getAttribute("aria-label") || "Draft");
      const time = old.currentTime;
      const playing = !old.paused;
      return new Promise((resolve) => {
        const done = () => {
          if (seq === this.view.seq && this.draftSrc === src) {
            old.replaceWith(next);
            old.pause();
            old.removeAttribute("src");
            old.load();
            this.video = next;
            if (playing) next.play().catch(() => {});
          }
          resolve();
        };
        next.addEventListener("loadeddata", () => {
          if (time > 0 && time < (next.duration || 0)) {
            next.addEventListener("seeked", done, {once: true});
            next.currentTime = time;
          } else {
            done();
          }
        }, {once: true});
        next.addEventListener("error", () => resolve(), {once: true});
        next.src = src;
        next.load();
      });
    }

    showScenes(scenes) {
      this.sceneList = scenes;
      const duration = this.duration || 1;
      this.marks.replaceChildren(...scenes.filter((s) => s.start > 0).map((s) => el("span", {class: "mark",
        style: {left: percent(s.start, duration)}, title: `${s.label || "scene"} at ${seconds(s.start)}`})));
      this.marks.append(...scenes.map((s, i) => el("span", {class: `scene-band band-${i % 2}`,
        style: {left: percent(s.start, duration), width: percent(s.duration, duration)}})));
      this.scenes.replaceChildren(...scenes.map((s, i) => el("li", {},
        el("button", {type: "button", class: "btn small", onclick: () => this.seek(this.sceneShown(s))},
          `${i + 1}. ${s.label || "scene"}`),
        ` ${seconds(s.start)}–${seconds(s.start + s.duration)}${s.transition ? ", in by " + s.transition : ""}`)));
    }

    /** The time a scene shows by itself: its start, after its incoming transition (seconds). */
    sceneShown(scene) {
      const into = Math.max(0, Number(scene.transition_duration) || 0);
      const end = scene.start + Math.max(0, scene.duration - 1 / (this.fps || 30));
      return Math.min(scene.start + into, end);
    }

    seek(t) {
      this.scrub.value = String(t);
      this.video.currentTime = t;
      this.scrubTime.textContent = `${seconds(t)} of ${seconds(this.duration)}`;
      this.showFrame();
    }

    async renderFull() {
      const v = this.view;
      this.fullButton.disabled = true;
      this.download.hidden = true;
      this.fullError.replaceChildren();
      this.progress.hidden = false;
      this.progress.removeAttribute("value");
      this.fullStatus.textContent = "Starting the full-size render…";
      try {
        const answer = await getJSON(`/api/full/${enc(v.name)}/${enc(v.format)}/${v.post}`, {method: "POST", headers: {"X-Libmedia": "1"}});
        this.job = answer.job;
      } catch (error) {
        const detail = error.body && typeof error.body.error === "object" ? error.body.error : {message: error.message};
        this.fullDone({state: "error", error: detail});
        return;
      }
      const job = this.job;
      app.jobs.set(job, (progress) => this.onProgress(progress));
      // polling as well as the events: a dropped connection does not lose the result
      const poll = async () => {
        if (this.job !== job) return;
        try {
          this.onProgress(await getJSON(`/api/full/${enc(job)}`));
        } catch (_) { /* the events or the next poll will tell */ }
        if (this.job === job) this.pollTimer = setTimeout(poll, 1000);
      };
      this.pollTimer = setTimeout(poll, 500);
    }

    onProgress(progress) {
      if (!this.job || progress.job && progress.job !== this.job) return;
      if (progress.total) {
        this.progress.max = String(progress.total);
        this.progress.value = String(progress.done || 0);
        this.fullStatus.textContent = `Rendering: frame ${progress.done || 0} of ${progress.total} `
          + `(${Math.round(100 * (progress.done || 0) / progress.total)} %)`;
      }
      if (progress.state === "done" || progress.state === "error") this.fullDone(progress);
    }

    fullDone(progress) {
      clearTimeout(this.pollTimer);
      if (this.job) app.jobs.delete(this.job);
      const job = this.job;
      this.job = null;
      this.fullButton.disabled = false;
      this.progress.hidden = true;
      if (progress.state === "done") {
        const v = this.view;
        this.download.href = progress.file || `/full/${enc(job)}.mp4`;
        this.download.textContent = `Download the full-size clip (${progress.file_name || v.format + ".mp4"})`;
        this.download.hidden = false;
        this.fullStatus.textContent = "The full-size clip is ready.";
        announce("The full-size clip is ready to download.");
      } else {
        this.fullStatus.textContent = "";
        this.fullError.replaceChildren(errorBox(progress.error || {message: "The full-size render failed."},
          "The full-size render failed"));
      }
    }

    destroy() {
      clearTimeout(this.pollTimer);
      if (this.job) app.jobs.delete(this.job);
      this.job = null;
      this.video.pause();
    }
  }

  // ---------------------------------------------------------------- router

  function parseHash() {
    const parts = location.hash.replace(/^#\/?/, "").split("/").filter(Boolean).map((p) => {
      try {
        return decodeURIComponent(p);
      } catch (_) {
        return p;
      }
    });
    if (parts[0] === "t" && parts[1]) {
      const post = parts[3] !== undefined ? Number.parseInt(parts[3], 10) : null;
      return {view: "template", name: parts[1], format: parts[2] || null, post: Number.isNaN(post) ? null : post};
    }
    return {view: "gallery"};
  }

  async function route() {
    if (!app.state) return;
    const main = document.getElementById("main");
    const where = parseHash();
    if (where.view === "template") {
      const tpl = templateByName(where.name);
      if (!tpl) {
        if (app.view) app.view.destroy();
        app.view = null;
        main.replaceChildren(el("section", {class: "missing"},
          el("h1", {tabindex: "-1", text: "No such template"}),
          el("p", {text: `This preview has no template named “${where.name}”.`}),
          el("a", {href: "#/", text: "See every template"})));
        document.title = "No such template · libmedia preview";
        return;
      }
      if (!(app.view instanceof TemplateView && app.view.name === tpl.name)) {
        if (app.view) app.view.destroy();
        app.view = new TemplateView(main, tpl);
        window.scrollTo(0, 0);
        app.view.focus();
      }
      document.title = `${tpl.name} · libmedia preview`;
      await app.view.setRoute(where.format, where.post);
      return;
    }
    if (!(app.view instanceof GalleryView)) {
      if (app.view) app.view.destroy();
      app.view = new GalleryView(main);
      window.scrollTo(0, 0);
      app.view.focus();
    }
    document.title = "Templates · libmedia preview";
  }

  // ---------------------------------------------------------------- events

  function setConnection(state, text) {
    const conn = document.getElementById("conn");
    conn.dataset.state = state;
    document.getElementById("conn-text").textContent = text;
  }

  /** A change the watcher saw (or a reconnection, which may have missed some). */
  const onChange = (() => {
    let running = null;
    let again = null;
    const run = async (names) => {
      try {
        await loadState();
      } catch (error) {
        setConnection("down", `The preview server does not answer (${error.message})`);
        return;
      }
      if (app.view) await app.view.changed(names);
    };
    // changes that come while one is being shown are merged into one more pass
    return async function onChange(names) {
      if (running) {
        again = again ? [...new Set([...again, ...names])] : names;
        return running;
      }
      running = run(names);
      await running;
      running = null;
      if (again) {
        const next = again;
        again = null;
        await onChange(next);
      }
    };
  })();

  function connect() {
    if (app.source) app.source.close();
    const source = new EventSource("/events");
    app.source = source;
    source.addEventListener("open", () => {
      setConnection("live", "Live: saving a file updates the page");
      if (app.everConnected) onChange(["*"]); // changes may have happened while away
      app.everConnected = true;
    });
    source.addEventListener("error", () => {
      if (source.readyState === EventSource.CLOSED) {
        setConnection("down", "Disconnected from the preview server: retrying…");
        setTimeout(() => { if (app.source === source) connect(); }, 3000);
      } else {
        setConnection("down", "Disconnected from the preview server: reconnecting…");
      }
    });
    source.addEventListener("change", (event) => {
      let data = {};
      try {
        data = JSON.parse(event.data);
      } catch (_) {
        data = {templates: ["*"]};
      }
      onChange(data.templates && data.templates.length ? data.templates : ["*"]);
    });
    source.addEventListener("progress", (event) => {
      let data;
      try {
        data = JSON.parse(event.data);
      } catch (_) {
        return;
      }
      const callback = app.jobs.get(data.job);
      if (callback) callback(data);
    });
  }

  // -------------------------------------------------------------- keyboard

  document.addEventListener("keydown", (event) => {
    if (!(app.view instanceof TemplateView)) return;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target;
    const typing = target.closest && target.closest("input, select, textarea, video, [contenteditable]");
    if (typing) return;
    if (event.key === "ArrowLeft") {
      event.preventDefault();
      app.view.step(-1);
    } else if (event.key === "ArrowRight") {
      event.preventDefault();
      app.view.step(1);
    } else if (event.key === "s" || event.key === "S") {
      app.view.safeToggle.click();
    } else if (event.key === "b" || event.key === "B") {
      app.view.boxesToggle.click();
    }
  });

  // ------------------------------------------------------------------ start

  async function start() {
    connect();
    try {
      await loadState();
    } catch (error) {
      document.getElementById("main").replaceChildren(errorBox({message: `The preview could not load: ${error.message}`,
        hint: "Is `libmedia preview` still running in the terminal?"}, "No connection"));
      setTimeout(start, 3000);
      return;
    }
    if ((!location.hash || location.hash === "#") && app.state.start && !start.done) {
      history.replaceState(null, "", `#/t/${enc(app.state.start)}`);
    }
    start.done = true;
    window.addEventListener("hashchange", route);
    await route();
  }

  // for the browser test and for curious users in the console
  window.libmediaPreview = app;

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
