import { ASSET_MARKER } from './html.ts';

/**
 * The site's script (plain browser JavaScript, no modules, so it runs from file://): renders the
 * Mermaid diagrams and marks `<html data-diagrams="done|error">` when they are drawn, runs the
 * search over `window.ES_GEN_SEARCH`, and switches the version comparison.
 */
export const SITE_JS = `${ASSET_MARKER}
(function () {
  'use strict';
  var root = document.body.getAttribute('data-root') || '';

  function renderDiagrams() {
    var html = document.documentElement;
    if (!document.querySelector('pre.mermaid')) { html.setAttribute('data-diagrams', 'done'); return; }
    if (typeof window.mermaid === 'undefined') { html.setAttribute('data-diagrams', 'error'); return; }
    window.mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'neutral' });
    window.mermaid.run({ querySelector: 'pre.mermaid' }).then(
      function () { html.setAttribute('data-diagrams', 'done'); },
      function (error) { html.setAttribute('data-diagrams', 'error'); console.error('diagram failed:', error); }
    );
  }

  function score(entry, query) {
    var name = entry.name.toLowerCase();
    if (name === query) return 0;
    if (name.indexOf(query) === 0) return 1;
    if (name.indexOf(query) > 0) return 2;
    return entry.detail.toLowerCase().indexOf(query) >= 0 ? 3 : -1;
  }

  function search(query) {
    var index = window.ES_GEN_SEARCH || [];
    var found = [];
    for (var i = 0; i < index.length; i++) {
      var s = score(index[i], query);
      if (s >= 0) found.push({ entry: index[i], score: s, order: i });
    }
    found.sort(function (a, b) { return a.score - b.score || a.order - b.order; });
    return found.slice(0, 30).map(function (f) { return f.entry; });
  }

  function resultItem(entry) {
    var item = document.createElement('li');
    var link = document.createElement('a');
    link.href = root + entry.href;
    var kind = document.createElement('span');
    kind.className = 'kind';
    kind.textContent = entry.kind;
    var detail = document.createElement('span');
    detail.className = 'detail';
    detail.textContent = entry.detail;
    link.appendChild(kind);
    link.appendChild(document.createTextNode(entry.name));
    link.appendChild(detail);
    item.appendChild(link);
    return item;
  }

  function setUpSearch() {
    var input = document.getElementById('search-input');
    var list = document.getElementById('search-results');
    if (!input || !list) return;
    input.addEventListener('input', function () {
      var query = input.value.trim().toLowerCase();
      list.textContent = '';
      if (query === '') { list.hidden = true; return; }
      var results = search(query);
      if (results.length === 0) {
        var none = document.createElement('li');
        none.className = 'detail';
        none.textContent = 'Nothing matches "' + input.value.trim() + '".';
        list.appendChild(none);
      }
      results.forEach(function (entry) { list.appendChild(resultItem(entry)); });
      list.hidden = false;
    });
    input.addEventListener('keydown', function (event) {
      if (event.key === 'Escape') { input.value = ''; list.hidden = true; }
    });
  }

  function setUpComparisons() {
    document.querySelectorAll('section.compare').forEach(function (section) {
      var selects = section.querySelectorAll('select');
      function show() {
        var a = Number(selects[0].value), b = Number(selects[1].value);
        var from = Math.min(a, b), to = Math.max(a, b);
        section.querySelectorAll('.compare-pair').forEach(function (pair) {
          pair.hidden = !(Number(pair.getAttribute('data-from')) === from && Number(pair.getAttribute('data-to')) === to);
        });
        section.querySelector('.compare-same').hidden = a !== b;
      }
      selects.forEach(function (select) { select.addEventListener('change', show); });
    });
  }

  setUpSearch();
  setUpComparisons();
  renderDiagrams();
})();
`;
