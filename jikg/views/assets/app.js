/*
 * jikg views: the script of one network page.
 *
 * It reads everything from the JSON block #jikg-data, draws it with vis-network and
 * writes every text with textContent or as a plain-text vis tooltip (vis sets those
 * with innerText): no label, however hostile, is ever parsed as HTML.
 * window.jikgView exposes the state for the browser tests and the benchmark.
 *
 * A view too big to draw node by node (data.clusters, see jikg/views/cluster.py) carries its
 * drawn nodes, its cluster nodes and, per cluster, the members it opens into (node.cluster); a
 * link to a node not on the canvas is drawn to its cluster, such links counted per pair of ends.
 */
(function () {
  'use strict';

  var data = JSON.parse(document.getElementById('jikg-data').textContent);
  var byId = new Map(data.nodes.map(function (n) { return [n.id, n]; }));
  var adjacency = buildAdjacency(data.edges);
  var state = {
    lang: initialLang(),
    filters: { area: '', level: '', side: '', direction: '', organisation: '' },
    hiddenKinds: new Set(),
    sizeBy: 'degree',
    colourBy: 'kind',
    selected: null
  };
  var api = window.jikgView = { data: data, state: state, settled: false, settleMs: null };
  var opened = new Set();
  var DOUBLE_CLICK_MS = 600; // a double click's second click follows its first within this

  var nodes = new vis.DataSet(data.nodes.filter(onCanvas).map(visNode));
  var edges = new vis.DataSet(drawnEdges());
  var network = new vis.Network(document.getElementById('network'), { nodes: nodes, edges: edges }, data.options);
  Object.assign(api, { network: network, nodes: nodes, edges: edges });

  // ------------------------------------------------------------------ helpers

  function t(key) { return data.ui[state.lang][key] || data.ui.en[key] || key; }

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

  function pick(pair) { return (pair && (pair[state.lang] || pair[state.lang === 'ja' ? 'en' : 'ja'])) || ''; }

  function nameOf(id) {
    var node = byId.get(id);
    if (node) { return pick(node.info.labels) || id; }
    return pick(data.labels[id]) || id;
  }

  function initialLang() {
    var asked = new URLSearchParams(window.location.search).get('lang');
    if (asked === 'en' || asked === 'ja') { return asked; }
    try { return window.localStorage.getItem('jikg-lang') === 'ja' ? 'ja' : 'en'; } catch (e) { return 'en'; }
  }

  function buildAdjacency(list) {
    var adj = new Map();
    list.forEach(function (e) {
      [[e.from, e.to, true], [e.to, e.from, false]].forEach(function (s) {
        if (!adj.has(s[0])) { adj.set(s[0], []); }
        adj.get(s[0]).push({ other: s[1], edge: e, forward: s[2] });
      });
    });
    return adj;
  }

  function neighbours(id) { return (adjacency.get(id) || []).map(function (l) { return l.other; }); }

  function metric(node) {
    if (node.info.cluster) { return largest(state.sizeBy); }
    var m = node.info.metrics;
    return m ? m[state.sizeBy] : 0;
  }

  // The largest value of a measure on the page: the size of a cluster node (called before any var is set).
  function largest(measure) {
    var cache = largest.cache = largest.cache || {};
    if (!(measure in cache)) {
      cache[measure] = data.nodes.reduce(function (top, n) {
        return n.info.metrics ? Math.max(top, n.info.metrics[measure]) : top;
      }, 0);
    }
    return cache[measure];
  }

  // ------------------------------------------------------------------ clusters

  function isCluster(id) { var n = byId.get(id); return Boolean(n && n.info.cluster); }

  // Is the node on the canvas (whatever the filters)? A member only once its cluster is opened.
  function onCanvas(n) { return n.cluster ? opened.has(n.cluster) : !(n.info.cluster && opened.has(n.id)); }

  function canvasNodes() { return data.nodes.filter(onCanvas); }

  // Where a link end is drawn: the node, else its closed cluster; null for an opened cluster.
  function end(id) {
    var n = byId.get(id);
    if (n && n.cluster && !opened.has(n.cluster)) { return n.cluster; }
    if (isCluster(id) && opened.has(id)) { return null; }
    return id;
  }

  function drawnEdges() {
    if (!data.clusters) { return data.edges.map(visEdge); }
    var out = [];
    var grouped = new Map();
    data.edges.forEach(function (e) {
      var a = end(e.from);
      var b = end(e.to);
      if (a === null || b === null || a === b) { return; }
      if (a === e.from && b === e.to && !e.count) { out.push(visEdge(e)); return; }
      var key = a + ' ' + b;
      if (!grouped.has(key)) { grouped.set(key, { id: 'g ' + key, from: a, to: b, count: 0 }); }
      grouped.get(key).count += e.count || 1;
    });
    grouped.forEach(function (g) {
      out.push({
        id: g.id, from: g.from, to: g.to, count: g.count, arrows: 'to',
        width: Math.min(8, 1 + Math.log2(g.count)), color: { color: '#888888', opacity: 0.5 },
        title: t('links_n').replace('{n}', g.count)
      });
    });
    return out;
  }

  function redrawEdges() { edges.clear(); edges.add(drawnEdges()); }

  // Open a cluster: its carried members take its place, on a sunflower disc around it.
  function openCluster(id) {
    if (!isCluster(id) || opened.has(id)) { return false; }
    var at = network.getPositions([id])[id] || { x: 0, y: 0 };
    var members = data.nodes.filter(function (n) { return n.cluster === id; });
    opened.add(id);
    nodes.remove(id);
    nodes.add(members.map(function (n, i) {
      var item = visNode(n);
      var r = 60 * Math.sqrt(i + 0.5);
      item.x = at.x + r * Math.cos(i * 2.39996);
      item.y = at.y + r * Math.sin(i * 2.39996);
      return item;
    }));
    redrawEdges();
    applyFilters();
    return true;
  }

  function colour(node) {
    if (state.colourBy === 'community' && node.info.metrics) {
      var palette = data.communityColors;
      return palette[node.info.metrics.community % palette.length];
    }
    return node.color;
  }

  // ------------------------------------------------------------------ vis items

  function visNode(n) {
    var item = {
      id: n.id, shape: n.shape, color: colour(n), value: metric(n),
      label: n.info.caption[state.lang], title: n.title, hidden: false
    };
    ['x', 'y', 'fixed', 'shapeProperties', 'borderWidth'].forEach(function (k) { if (n[k] !== undefined) { item[k] = n[k]; } });
    return item;
  }

  function visEdge(e) {
    var item = {};
    ['id', 'from', 'to', 'color', 'width', 'arrows', 'dashes'].forEach(function (k) {
      if (e[k] !== undefined) { item[k] = e[k]; }
    });
    item.title = relationName(e.relation);
    return item;
  }

  function relationName(relation) {
    var found = data.legend.relations.find(function (r) { return r.id === relation; });
    return found ? pick(found) : relation;
  }

  // Each of these updates only the field that changed: vis re-measures every label it is handed.
  // (Only the nodes on the canvas: vis adds a node it is asked to update and does not hold.)
  function relabel() {
    nodes.update(canvasNodes().map(function (n) { return { id: n.id, label: n.info.caption[state.lang] }; }));
    if (data.clusters) { redrawEdges(); return; }
    edges.update(data.edges.map(function (e) { return { id: e.id, title: relationName(e.relation) }; }));
  }

  function resize() { nodes.update(canvasNodes().map(function (n) { return { id: n.id, value: metric(n) }; })); }

  function recolour() { nodes.update(canvasNodes().map(function (n) { return { id: n.id, color: colour(n) }; })); }

  // ------------------------------------------------------------------ settling

  function markSettled() {
    if (api.settled) { return; }
    network.setOptions({ physics: { enabled: false } });
    network.fit({ animation: false });
    network.moveTo({ scale: network.getScale() * 0.9 }); // room for the labels of the outermost nodes
    api.settled = true;
    api.settleMs = Math.round(performance.now());
    document.getElementById('loading').hidden = true;
    document.body.setAttribute('data-settled', 'true');
  }

  if (data.options.physics && data.options.physics.enabled && data.nodes.length) {
    network.on('stabilizationProgress', function (p) {
      document.getElementById('loading').textContent = t('loading') + ' ' + Math.round(100 * p.iterations / p.total) + '%';
    });
    network.once('stabilizationIterationsDone', markSettled);
  } else {
    network.once('afterDrawing', markSettled);
    if (!data.nodes.length) { markSettled(); }
  }

  // ------------------------------------------------------------------ filters

  function visibleIds() {
    var f = state.filters;
    var narrowed = f.area || f.level || f.side || f.direction;
    var keep = null;
    if (narrowed || f.organisation) {
      keep = new Set();
      var around = f.organisation ? new Set(neighbours(f.organisation)) : null;
      data.nodes.forEach(function (n) {
        var a = n.info.activity;
        if (!a || (f.area && a.area !== f.area) || (f.level && a.level !== f.level) || (f.side && a.side !== f.side) || (f.direction && a.direction !== f.direction)) { return; }
        if (around && !around.has(n.id)) { return; }
        keep.add(n.id);
        neighbours(n.id).forEach(function (id) { keep.add(id); });
      });
      if (f.organisation) {
        keep.add(f.organisation);
        if (!narrowed) { neighbours(f.organisation).forEach(function (id) { keep.add(id); }); }
      }
    }
    return data.nodes.filter(function (n) {
      return !state.hiddenKinds.has(n.info.kind) && (!keep || keep.has(n.id));
    }).map(function (n) { return n.id; });
  }

  function applyFilters() {
    var shown = new Set(visibleIds());
    var changed = [];
    var drawn = canvasNodes();
    var count = 0;
    drawn.forEach(function (n) {
      var hidden = !shown.has(n.id);
      if (!hidden) { count += 1; }
      if (nodes.get(n.id).hidden !== hidden) { changed.push({ id: n.id, hidden: hidden }); }
    });
    if (changed.length) { nodes.update(changed); }
    document.getElementById('shown-count').textContent =
      t('showing').replace('{shown}', count).replace('{total}', drawn.length);
    return count;
  }

  function fillSelect(select, options, current) {
    clear(select);
    select.appendChild(new Option(t('any'), ''));
    options.forEach(function (o) { select.appendChild(new Option(pick(o), o.id)); });
    select.value = current;
  }

  function buildFilters() {
    Object.keys(state.filters).forEach(function (facet) {
      var options = data.facets[facet] || [];
      var select = document.getElementById('filter-' + facet);
      select.closest('.facet').hidden = options.length === 0;
      fillSelect(select, options, state.filters[facet]);
    });
  }

  function setFilter(facet, value) {
    state.filters[facet] = value;
    document.getElementById('filter-' + facet).value = value;
    return applyFilters();
  }

  // ------------------------------------------------------------------ legend

  function swatch(style, isEdge) {
    var mark = el('span', null, { 'class': isEdge ? 'swatch edge' : 'swatch shape-' + style.shape });
    if (isEdge) {
      mark.style.borderTopColor = style.color;
      mark.style.borderTopWidth = Math.max(2, style.width || 1) + 'px';
      mark.style.borderTopStyle = style.dashes ? 'dashed' : 'solid';
    } else {
      mark.style.backgroundColor = style.color;
    }
    return mark;
  }

  function buildLegend() {
    var kinds = document.getElementById('legend-kinds');
    clear(kinds);
    data.legend.kinds.forEach(function (k) {
      var box = el('input', null, { type: 'checkbox', 'data-kind': k.id });
      box.checked = !state.hiddenKinds.has(k.id);
      box.addEventListener('change', function () {
        if (box.checked) { state.hiddenKinds.delete(k.id); } else { state.hiddenKinds.add(k.id); }
        applyFilters();
      });
      var label = el('label');
      label.append(box, swatch(k, false), el('span', pick(k)));
      var count = data.nodes.filter(function (n) { return n.info.kind === k.id; }).length;
      label.appendChild(el('span', ' (' + count + ')', { 'class': 'count' }));
      kinds.appendChild(el('li')).appendChild(label);
    });
    var relations = document.getElementById('legend-relations');
    clear(relations);
    data.legend.relations.forEach(function (r) {
      var item = el('li');
      item.append(swatch(r, true), el('span', pick(r)));
      relations.appendChild(item);
    });
  }

  // ------------------------------------------------------------------ search

  function norm(text) { return String(text || '').normalize('NFKC').toLowerCase().replace(/\s+/g, ''); }

  var searchIndex = data.nodes.map(function (n) {
    var names = [n.id, n.info.labels.en, n.info.labels.ja].concat(n.info.alt.en, n.info.alt.ja);
    return { id: n.id, keys: names.filter(Boolean).map(norm) };
  });

  function search(query) {
    var wanted = norm(query);
    if (!wanted) { return []; }
    var exact = [];
    var partial = [];
    searchIndex.forEach(function (entry) {
      if (entry.keys.indexOf(wanted) >= 0) { exact.push(entry.id); }
      else if (entry.keys.some(function (k) { return k.indexOf(wanted) >= 0; })) { partial.push(entry.id); }
    });
    return exact.concat(partial).slice(0, 25);
  }

  function showResults(query) {
    var list = document.getElementById('search-results');
    clear(list);
    if (!norm(query)) { return; }
    var found = search(query);
    if (!found.length) { list.appendChild(el('li', t('no_match'), { 'class': 'none' })); }
    found.forEach(function (id) {
      var node = byId.get(id);
      var button = el('button', nameOf(id), { type: 'button', 'data-id': id });
      button.appendChild(el('small', ' · ' + pick(node.info.type)));
      button.addEventListener('click', function () { select(id); });
      list.appendChild(el('li')).appendChild(button);
    });
  }

  // ------------------------------------------------------------------ details

  function row(list, term, value, lang) {
    if (!value) { return; }
    list.appendChild(el('dt', term));
    var dd = el('dd', value);
    if (lang) { dd.setAttribute('lang', lang); }
    list.appendChild(dd);
  }

  function safeLink(iri) {
    if (!/^https?:\/\//.test(iri)) { return el('code', iri); }
    var a = el('a', iri, { href: iri, target: '_blank', rel: 'noopener noreferrer' });
    return a;
  }

  function activitySection(a, node) {
    var section = el('section', null, { 'class': 'clause' });
    section.appendChild(el('h3', t('clause')));
    var head = el('p', null, { 'class': 'clause-id' });
    head.appendChild(el('code', a.clause.id));
    if (a.clause.lines) { head.appendChild(el('span', ' · ' + t('lines') + ' ' + a.clause.lines)); }
    section.appendChild(head);
    section.appendChild(el('blockquote', a.clause.text, { lang: 'ja', 'class': 'clause-text' }));
    section.appendChild(el('p', node.info.labels.en, { lang: 'en', 'class': 'clause-label' }));
    var facts = el('dl');
    row(facts, t('area'), nameOf(a.area));
    row(facts, t('level'), a.level ? nameOf(a.level) + (a.verb ? ' (' + t('verb') + ': ' + a.verb + ')' : '') : '');
    row(facts, t('side'), nameOf(a.side));
    row(facts, t('direction'), nameOf(a.direction));
    row(facts, t('rules'), a.rules);
    section.appendChild(facts);
    return section;
  }

  function linksSection(id) {
    var section = el('section', null, { 'class': 'links' });
    section.appendChild(el('h3', t('links')));
    var list = el('ul');
    (adjacency.get(id) || []).forEach(function (l) {
      var item = el('li');
      item.appendChild(el('span', (l.forward ? '→ ' : '← ') + relationName(l.edge.relation) + ': ', { 'class': 'rel' }));
      var go = el('button', nameOf(l.other), { type: 'button', 'data-id': l.other, 'class': 'link' });
      go.addEventListener('click', function () { select(l.other); });
      item.appendChild(go);
      list.appendChild(item);
    });
    section.appendChild(list);
    return section;
  }

  function clusterSection(c) {
    var section = el('section', null, { 'class': 'cluster-info' });
    section.appendChild(el('p', t('cluster_members').replace('{count}', c.count.toLocaleString('en')).replace('{carried}', c.members.length)));
    var open = el('button', t('cluster_open'), { type: 'button', id: 'cluster-open' });
    open.addEventListener('click', function () { var id = state.selected; openCluster(id); select(c.members[0]); });
    section.appendChild(open);
    if (c.page && /^[a-z0-9-]+\.html$/.test(c.page)) {
      var line = el('p', t('cluster_page') + ' ');
      line.appendChild(el('a', nameOf(c.anchor), { href: c.page, 'class': 'cluster-page' }));
      section.appendChild(line);
    }
    return section;
  }

  function metricsSection(m) {
    var section = el('section', null, { 'class': 'metrics' });
    section.appendChild(el('h3', t('metrics')));
    var list = el('dl');
    ['degree', 'betweenness', 'eigenvector'].forEach(function (k) { row(list, t(k), m[k].toFixed(3)); });
    row(list, t('community'), String(m.community));
    section.appendChild(list);
    return section;
  }

  function showDetails(id) {
    var node = byId.get(id);
    var body = document.getElementById('details-body');
    clear(body);
    if (!node) { return; }
    var info = node.info;
    body.appendChild(el('h3', pick(info.labels), { 'class': 'details-title' }));
    var facts = el('dl');
    row(facts, t('label_en'), info.labels.en, 'en');
    row(facts, t('label_ja'), info.labels.ja, 'ja');
    row(facts, t('alt'), info.alt.en.concat(info.alt.ja).join(' · '));
    row(facts, t('type'), pick(info.type));
    if (info.date) { row(facts, t('date'), info.date); }
    if (info.tier) { row(facts, t('evidence_tier'), pick(info.tier)); }
    if (info.iri && !info.cluster) {
      facts.appendChild(el('dt', t('iri')));
      facts.appendChild(el('dd')).appendChild(safeLink(info.iri));
    }
    body.appendChild(facts);
    if (info.cluster) { body.appendChild(clusterSection(info.cluster)); }
    if (info.activity) { body.appendChild(activitySection(info.activity, node)); }
    body.appendChild(linksSection(id));
    if (info.metrics) { body.appendChild(metricsSection(info.metrics)); }
    document.getElementById('details').classList.add('open');
  }

  function select(id) {
    if (!byId.has(id)) { return false; }
    if (byId.get(id).cluster) { openCluster(byId.get(id).cluster); }
    if (nodes.get(id) === null) { return false; }
    if (nodes.get(id).hidden) { resetFilters(); }
    state.selected = id;
    network.selectNodes([id]);
    showDetails(id);
    var panel = document.getElementById('details').offsetWidth; // keep the node clear of the panel
    network.focus(id, { scale: Math.max(network.getScale(), 0.9), offset: { x: -panel / 2, y: 0 }, animation: false });
    return true;
  }

  // ------------------------------------------------------------------ paths

  function shortestPath(from, to) {
    if (!byId.has(from) || !byId.has(to)) { return null; }
    var previous = new Map([[from, null]]);
    var queue = [from];
    while (queue.length && !previous.has(to)) {
      var current = queue.shift();
      (adjacency.get(current) || []).forEach(function (l) {
        if (!previous.has(l.other)) { previous.set(l.other, { from: current, link: l }); queue.push(l.other); }
      });
    }
    if (!previous.has(to)) { return null; }
    var steps = [];
    for (var at = to; previous.get(at); at = previous.get(at).from) { steps.unshift(previous.get(at)); }
    return { nodes: [from].concat(steps.map(function (s) { return s.link.other; })), steps: steps };
  }

  function findPath() {
    var from = search(document.getElementById('path-from').value)[0];
    var to = search(document.getElementById('path-to').value)[0];
    var out = document.getElementById('path-result');
    clear(out);
    var path = from && to ? shortestPath(from, to) : null;
    if (!path) { out.appendChild(el('li', t('path_none'), { 'class': 'none' })); return null; }
    out.appendChild(el('li', nameOf(from)));
    path.steps.forEach(function (s) {
      out.appendChild(el('li', (s.link.forward ? '→ ' : '← ') + relationName(s.link.edge.relation) + ': ' + nameOf(s.link.other)));
    });
    out.setAttribute('data-steps', String(path.steps.length));
    resetFilters();
    network.setSelection({
      nodes: path.nodes.filter(function (id) { return nodes.get(id) !== null; }),
      edges: path.steps.map(function (s) { return s.link.edge.id; }).filter(function (id) { return edges.get(id) !== null; })
    });
    return path;
  }

  // ------------------------------------------------------------------ language

  function setLang(lang) {
    var changed = state.lang !== (lang === 'ja' ? 'ja' : 'en');
    state.lang = lang === 'ja' ? 'ja' : 'en';
    try { window.localStorage.setItem('jikg-lang', state.lang); } catch (e) { /* storage refused: keep the choice for this page */ }
    document.documentElement.lang = state.lang;
    document.querySelectorAll('[data-i18n]').forEach(function (node) { node.textContent = t(node.getAttribute('data-i18n')); });
    document.querySelectorAll('[data-i18n-placeholder]').forEach(function (node) {
      node.placeholder = t(node.getAttribute('data-i18n-placeholder'));
    });
    var toggle = document.getElementById('lang-toggle');
    toggle.textContent = t('toggle');
    toggle.lang = state.lang === 'en' ? 'ja' : 'en';
    document.getElementById('view-title').textContent = pick(data.view.title);
    document.getElementById('network').setAttribute('aria-label', pick(data.view.title));
    if (data.clusters) { document.getElementById('scale-note').textContent = pick(data.clusters.note); }
    document.title = pick(data.view.title) + ' — ' + t('site');
    buildFilters();
    buildLegend();
    buildAnalytics();
    if (changed) { relabel(); }
    applyFilters();
    showResults(document.getElementById('search').value);
    if (state.selected) { showDetails(state.selected); }
  }

  function buildAnalytics() {
    var size = document.getElementById('size-by');
    clear(size);
    ['degree', 'betweenness', 'eigenvector'].forEach(function (k) { size.appendChild(new Option(t(k), k)); });
    size.value = state.sizeBy;
    var colourBy = document.getElementById('colour-by');
    clear(colourBy);
    ['kind', 'community'].forEach(function (k) { colourBy.appendChild(new Option(t(k), k)); });
    colourBy.value = state.colourBy;
    var names = document.getElementById('node-names');
    clear(names);
    data.nodes.forEach(function (n) { names.appendChild(el('option', null, { value: pick(n.info.labels) })); });
  }

  function resetFilters() {
    Object.keys(state.filters).forEach(function (f) { state.filters[f] = ''; });
    state.hiddenKinds.clear();
    buildFilters();
    buildLegend();
    applyFilters();
  }

  // ------------------------------------------------------------------ timeline axis

  if (data.timeline) {
    network.on('beforeDrawing', function (ctx) {
      var ticks = data.timeline.ticks;
      if (!ticks.length) { return; }
      var y = data.timeline.y;
      ctx.save();
      ctx.strokeStyle = '#888';
      ctx.fillStyle = '#444';
      ctx.lineWidth = 2;
      ctx.font = '14px sans-serif';
      ctx.textAlign = 'center';
      ctx.beginPath();
      ctx.moveTo(ticks[0].x, y);
      ctx.lineTo(ticks[ticks.length - 1].x, y);
      ctx.stroke();
      ticks.forEach(function (tick) {
        ctx.beginPath();
        ctx.moveTo(tick.x, y - 8);
        ctx.lineTo(tick.x, y + 8);
        ctx.stroke();
        ctx.fillText(tick.label, tick.x, y + 26);
      });
      ctx.restore();
    });
  }

  // ------------------------------------------------------------------ wiring

  document.getElementById('lang-toggle').addEventListener('click', function () {
    setLang(state.lang === 'en' ? 'ja' : 'en');
  });
  document.querySelectorAll('select[data-filter]').forEach(function (select) {
    select.addEventListener('change', function () { setFilter(select.getAttribute('data-filter'), select.value); });
  });
  document.getElementById('reset').addEventListener('click', resetFilters);
  var searchBox = document.getElementById('search');
  searchBox.addEventListener('input', function () { showResults(searchBox.value); });
  searchBox.addEventListener('keydown', function (event) {
    if (event.key === 'Enter') { var first = search(searchBox.value)[0]; if (first) { select(first); } }
  });
  document.getElementById('size-by').addEventListener('change', function (event) {
    state.sizeBy = event.target.value;
    resize();
  });
  document.getElementById('colour-by').addEventListener('change', function (event) {
    state.colourBy = event.target.value;
    recolour();
  });
  document.getElementById('path-find').addEventListener('click', findPath);
  document.getElementById('details-close').addEventListener('click', function () {
    document.getElementById('details').classList.remove('open');
    state.selected = null;
    network.unselectAll();
  });
  // The first click of a double click selects the node and moves the view (select() keeps it clear of
  // the details panel), so the second may land beside a small node: the double click opens the node
  // its first click selected.
  var lastClick = { id: null, at: 0 };
  network.on('click', function (params) {
    if (params.nodes.length) { select(params.nodes[0]); lastClick = { id: params.nodes[0], at: Date.now() }; }
  });
  network.on('doubleClick', function (params) {
    var id = params.nodes[0] || (Date.now() - lastClick.at < DOUBLE_CLICK_MS ? lastClick.id : null);
    if (id) { openCluster(id); }
  });

  Object.assign(api, {
    visibleIds: function () { return nodes.get({ filter: function (n) { return !n.hidden; } }).map(function (n) { return n.id; }); },
    search: search,
    select: select,
    setLang: setLang,
    setFilter: setFilter,
    shortestPath: shortestPath,
    openCluster: openCluster
  });
  setLang(state.lang);
}());
