// The comparison page: two documents side by side, theme by theme, from the JSON the page carries.
// Text only (textContent, never innerHTML): every label is shown, none is run.
(function () {
  'use strict';

  var data = JSON.parse(document.getElementById('jikg-compare').textContent);
  var lang = 'en';
  var choose = { a: document.getElementById('doc-a'), b: document.getElementById('doc-b') };
  var byId = new Map(data.documents.map(function (d) { return [d.id, d]; }));

  function t(key) { return data.ui[lang][key] || data.ui.en[key] || key; }
  function name(item) { return item[lang] || item.en; }

  function fillChoices() {
    ['a', 'b'].forEach(function (side) {
      var select = choose[side];
      var chosen = select.value;
      while (select.firstChild) { select.removeChild(select.firstChild); }
      data.documents.forEach(function (d) {
        var option = document.createElement('option');
        option.value = d.id;
        option.textContent = d.date + ' — ' + name(d);
        select.appendChild(option);
      });
      if (chosen) { select.value = chosen; }
    });
  }

  function cell(row, text, className) {
    var td = document.createElement('td');
    td.textContent = text;
    if (className) { td.className = className; }
    row.appendChild(td);
  }

  function covers(doc, theme) {
    if (!(theme in doc.themes)) { return '—'; }
    var n = doc.themes[theme];
    return n ? '✓ (' + n + ' ' + t('commitments') + ')' : '✓';
  }

  function people(key, list) {
    return list.length ? [t(key) + ': ' + list.map(name).join(', ')] : [];
  }

  function facts(doc) {
    return [name(doc.kind), doc.date, doc.parties.map(name).join(', ')]
      .concat(people('signed_by', doc.signatories), people('leaders', doc.leaders))
      .concat([t('evidence') + ': ' + name(doc.tier)]).join(' · ');
  }

  function render() {
    var a = byId.get(choose.a.value), b = byId.get(choose.b.value);
    document.getElementById('head-a').textContent = name(a);
    document.getElementById('head-b').textContent = name(b);
    var body = document.querySelector('#comparison tbody');
    while (body.firstChild) { body.removeChild(body.firstChild); }
    var about = document.createElement('tr');
    cell(about, t('document'));
    cell(about, facts(a), 'facts');
    cell(about, facts(b), 'facts');
    body.appendChild(about);
    data.themes.forEach(function (theme) {
      var row = document.createElement('tr');
      row.dataset.theme = theme.id;
      cell(row, name(theme));
      cell(row, covers(a, theme.id), 'side-a');
      cell(row, covers(b, theme.id), 'side-b');
      body.appendChild(row);
    });
  }

  function setLang(next) {
    lang = next;
    document.documentElement.lang = lang;
    document.querySelectorAll('[data-i18n]').forEach(function (el) { el.textContent = t(el.dataset.i18n); });
    document.getElementById('lang-toggle').textContent = data.ui[lang].toggle;
    fillChoices();
    render();
  }

  fillChoices();
  var last = data.documents.length - 1;
  if (last < 0) {  // no dated document: nothing to compare
    window.jikgCompare = { data: data };
    document.body.dataset.settled = 'true';
    return;
  }
  choose.a.value = data.documents[Math.max(0, last - 1)].id;
  choose.b.value = data.documents[last].id;
  choose.a.addEventListener('change', render);
  choose.b.addEventListener('change', render);
  document.getElementById('lang-toggle').addEventListener('click', function () { setLang(lang === 'en' ? 'ja' : 'en'); });
  render();
  window.jikgCompare = { render: render, setLang: setLang, data: data };
  document.body.dataset.settled = 'true';
}());
