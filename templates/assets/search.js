/* The site's search box: Pagefind's index in ../pagefind/ (in parts for a big site), loaded on first use, results as links.
   The form names the site root in data-root; result URLs are relative to it, so the site can live in any folder. */
(function () {
  "use strict";
  var form = document.querySelector("form.search");
  if (!form) { return; }
  var root = form.getAttribute("data-root") || "";
  var input = form.querySelector("input[type=search]");
  var status = form.querySelector(".search-status");
  var list = form.querySelector(".search-results");
  var engine = null;
  var counter = 0;

  function say(text) { status.textContent = text; }

  function load() {
    if (!engine) {
      var base = new URL(root + "pagefind/", document.baseURI).href;
      engine = import(base + "pagefind.js").then(function (pagefind) {
        return pagefind.options({ baseUrl: "/" }).then(function () { return merge(pagefind, base); });
      });
    }
    return engine;
  }

  /* A big site's index comes in parts (publish/search.py): parts.json lists them, the first being this one. */
  function merge(pagefind, base) {
    return fetch(base + "parts.json").then(function (response) {
      return response.ok ? response.json() : { parts: [] };
    }).then(function (listing) {
      return Promise.all(listing.parts.filter(function (part) { return part.path; }).map(function (part) {
        return pagefind.mergeIndex(base + part.path, { baseUrl: "/" });
      }));
    }).then(function () { return pagefind; });
  }

  function show(results, query, ticket) {
    return Promise.all(results.slice(0, 20).map(function (r) { return r.data(); })).then(function (pages) {
      if (ticket !== counter) { return; }
      list.textContent = "";
      pages.forEach(function (page) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = root + page.url.replace(/^\//, "");
        link.textContent = (page.meta && page.meta.title) || page.url;
        var excerpt = document.createElement("p");
        excerpt.innerHTML = page.excerpt; /* Pagefind's excerpt: the page's own text, matches in <mark> */
        item.appendChild(link);
        item.appendChild(excerpt);
        list.appendChild(item);
      });
      say(results.length === 0 ? "No brief mentions \u201c" + query + "\u201d." :
        results.length + (results.length === 1 ? " page mentions " : " pages mention ") + "\u201c" + query + "\u201d" +
        (results.length > 20 ? "; the first 20 are listed." : "."));
    });
  }

  function run() {
    var query = input.value.trim();
    var ticket = ++counter;
    if (!query) { list.textContent = ""; say(""); return; }
    load().then(function (pagefind) {
      return pagefind.search(query).then(function (found) { return show(found.results, query, ticket); });
    }).catch(function () {
      say("Search cannot run here: this browser does not load the search index from files on disk. " +
          "Open the site from a web server (python -m http.server in its folder will do), or use the lists below.");
    });
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
  var timer = null;
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 250); });
  form.hidden = false;
}());
