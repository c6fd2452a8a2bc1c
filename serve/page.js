'use strict';
(function () {
  var init = JSON.parse(document.getElementById('init').textContent);
  var change = { from: '', kpis: {}, caps: {} };
  var selected = init.kpis.length ? init.kpis[0].id : '';
  var seq = 0, shown = 0, timer = null, valid = true;

  function $(id) { return document.getElementById(id); }

  // el makes an element: attributes from an object, then children (nodes
  // or text).
  function el(tag, attrs) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) {
      if (attrs[k] !== undefined && attrs[k] !== null) e.setAttribute(k, attrs[k]);
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  // shift moves a plain decimal's point two places right: 0.955 -> 95.5,
  // exactly, for showing a share as a percent.
  function shift(v) {
    var m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(v.trim());
    if (!m) return '';
    var frac = (m[3] || '') + '00';
    var whole = ((m[2] || '') + frac.slice(0, 2)).replace(/^0+(?=\d)/, '');
    var rest = frac.slice(2).replace(/0+$/, '');
    return m[1] + (whole || '0') + (rest ? '.' + rest : '');
  }

  // shown says how a value of a field reads: a share's measure as a
  // percent, a percent with its sign.
  function reads(f, v, share) {
    if (v === '') return 'none';
    if (share && f.kind === 'measure') return shift(v) + '%';
    if (share && f.kind === 'per') return shift(v) + ' percentage point';
    if (f.kind === 'percent') return v + '%';
    if (f.kind === 'points') return v + ' points';
    return v;
  }

  function scope(kind, id) {
    if (kind === 'caps') return change.caps;
    if (!change.kpis[id]) change.kpis[id] = {};
    return change.kpis[id];
  }

  function tidy() {
    for (var id in change.kpis) {
      if (Object.keys(change.kpis[id]).length === 0) delete change.kpis[id];
    }
  }

  // input makes a field's input, wired to the change.
  function input(kind, id, f, share) {
    var path = (kind === 'caps' ? 'caps' : id) + '|' + f.path;
    var current = scope(kind, id)[f.path] || '';
    var hint = el('small', null, 'baseline: ' + reads(f, f.value, share));
    var box;
    if (f.kind === 'bool') {
      box = el('select', { 'data-path': path, 'aria-label': f.label },
        el('option', { value: '' }, 'as the baseline'), el('option', { value: 'true' }, 'true'),
        el('option', { value: 'false' }, 'false'));
      box.value = current;
    } else {
      box = el('input', { 'data-path': path, 'aria-label': f.label, inputmode: 'decimal', autocomplete: 'off',
        placeholder: f.value === '' ? 'none' : f.value });
      box.value = current;
    }
    function update() {
      var v = box.value.trim();
      var s = scope(kind, id);
      if ((s[f.path] || '') === v) {
        // Unchanged: the change event as the field loses focus to the
        // download button must not start an evaluation, which would
        // disable the button under the click.
        tidy();
        return;
      }
      if (v === '') delete s[f.path]; else s[f.path] = v;
      tidy();
      box.classList.toggle('changed', v !== '');
      hint.textContent = 'baseline: ' + reads(f, f.value, share) + (v !== '' && f.kind !== 'bool' ? '; now ' + reads(f, v, share) : '');
      kpiOptions();
      schedule();
    }
    box.addEventListener('input', update);
    box.addEventListener('change', update);
    box.classList.toggle('changed', current !== '');
    if (current !== '' && f.kind !== 'bool') hint.textContent += '; now ' + reads(f, current, share);
    return el('label', { 'class': 'row' }, el('span', null, f.label), box, hint);
  }

  function kpiOptions() {
    var sel = $('kpi');
    var had = sel.options.length > 0;
    init.kpis.forEach(function (k, i) {
      var text = (change.kpis[k.id] ? '● ' : '') + k.id + ' · ' + k.name;
      if (had) sel.options[i].textContent = text;
      else sel.append(el('option', { value: k.id }, text));
    });
    sel.value = selected;
  }

  function renderKPI() {
    var k = init.kpis.find(function (k) { return k.id === selected; });
    var box = $('fields');
    box.replaceChildren();
    if (!k) return;
    $('kpi-info').textContent = k.direction + ' is better; ' + k.scheme.replace(/_/g, ' ') + ' credit' +
      (k.area ? ' (service area ' + k.area + ')' : '') + (k.share ? '; a share: 0.95 is 95%' : '');
    k.fields.forEach(function (f) { box.append(input('kpi', k.id, f, k.share)); });
    markProblems(lastProblems);
  }

  function renderCaps() {
    var box = $('caps');
    box.replaceChildren();
    init.caps.forEach(function (f) { box.append(input('caps', '', f, false)); });
  }

  function schedule() {
    clearTimeout(timer);
    document.body.dataset.state = 'busy';
    $('download').disabled = true;
    timer = setTimeout(evaluate, 60);
  }

  function evaluate() {
    var my = ++seq;
    var started = performance.now();
    fetch('/evaluate', {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': init.token },
      body: JSON.stringify(change)
    }).then(function (r) {
      if (!r.ok) return r.text().then(function (t) { throw new Error(t); });
      return r.json();
    }).then(function (res) {
      if (my < shown) return;
      shown = my;
      render(res, my, Math.round(performance.now() - started));
    }).catch(function (e) {
      if (my < shown) return;
      shown = my;
      document.body.dataset.state = 'error';
      $('status').textContent = 'The server could not evaluate the change: ' + e.message;
    });
  }

  var lastProblems = [];

  function markProblems(problems) {
    document.querySelectorAll('[data-path]').forEach(function (b) {
      b.classList.remove('invalid');
      b.removeAttribute('title');
    });
    problems.forEach(function (p) {
      if (!p.field) return;
      var b = document.querySelector('[data-path="' + CSS.escape(p.field) + '"]');
      if (b) { b.classList.add('invalid'); b.title = p.msg; }
      if (p.field === 'from') $('from').classList.add('invalid');
    });
  }

  function render(res, my, roundTrip) {
    $('yaml').textContent = res.yaml;
    $('file').textContent = res.file;
    lastProblems = res.problems || [];
    var list = $('problems');
    list.replaceChildren();
    lastProblems.forEach(function (p) {
      list.append(el('li', null, el('code', null, p.pos), ': ' + (p.key ? p.key + ': ' : '') + p.msg));
    });
    markProblems(lastProblems);
    valid = res.ok;
    $('download').disabled = !res.ok;
    document.body.dataset.seq = String(my);
    if (!res.ok) {
      document.body.dataset.state = 'problems';
      $('status').textContent = 'The change has problems (below); the figures are the last valid ones.';
      return;
    }
    cards(res.total);
    chart(res.months);
    table($('groups'), init.groupBy, res.groups, false);
    table($('kpis'), 'KPI', res.kpis, true);
    $('status').textContent = 'Evaluated in ' + res.ms + ' ms on the server, ' + roundTrip + ' ms in all.';
    document.body.dataset.state = 'ok';
  }

  function card(label, value, sub, cls, attrs) {
    var v = el('div', Object.assign({ 'class': 'value' }, attrs || {}), value);
    return el('div', { 'class': 'card ' + (cls || '') }, el('div', { 'class': 'label' }, label), v,
      el('div', { 'class': 'sub' }, sub));
  }

  function cards(t) {
    $('cards').replaceChildren(
      card('Baseline', t.baseline, 'credits after caps', 'base'),
      card('With the change', t.credits, t.change ? t.change + ' on the baseline' : '', '', { id: 'total', 'data-exact': t.exact }),
      card('Difference', t.diff, 'by the rules ' + t.rules + ', by the caps ' + t.caps),
      card('Net of earn-back', t.net, 'net difference ' + t.netDiff));
  }

  var money = (function () {
    try {
      var f = new Intl.NumberFormat('en-GB', { style: 'currency', currency: init.currency, notation: 'compact', maximumFractionDigits: 1 });
      return function (v) { return f.format(v); };
    } catch (e) {
      return function (v) { return String(Math.round(v)); };
    }
  })();

  function niceTop(max) {
    if (max <= 0) return 1;
    var p = Math.pow(10, Math.floor(Math.log10(max)));
    var steps = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < steps.length; i++) if (steps[i] * p >= max) return steps[i] * p;
    return 10 * p;
  }

  function svg(tag, attrs) {
    var e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    for (var i = 2; i < arguments.length; i++) e.append(arguments[i]);
    return e;
  }

  // chart draws the baseline's and the change's credits month by month:
  // numbers only place the lines; every figure shown comes from the server.
  function chart(months) {
    var box = $('chart');
    box.replaceChildren();
    var W = 760, H = 300, L = 70, R = 12, T = 30, B = 36;
    var n = months.length;
    var base = months.map(function (m) { return parseFloat(m.baseline); });
    var scen = months.map(function (m) { return parseFloat(m.credits); });
    var top = niceTop(Math.max.apply(null, base.concat(scen)));
    function x(i) { return L + (n > 1 ? i * (W - L - R) / (n - 1) : (W - L - R) / 2); }
    function y(v) { return H - B - v / top * (H - T - B); }
    for (var t = 0; t <= 4; t++) {
      var v = top * t / 4;
      box.append(svg('line', { 'class': 'grid', x1: L, x2: W - R, y1: y(v), y2: y(v) }),
        svg('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end' }, money(v)));
    }
    box.append(svg('line', { 'class': 'axis', x1: L, x2: W - R, y1: H - B, y2: H - B }));
    months.forEach(function (m, i) {
      if (m.month.slice(5) === '01' || i === 0) {
        box.append(svg('text', { x: x(i), y: H - B + 16, 'text-anchor': 'middle' }, m.month.slice(0, 4)));
      }
      var w = (W - L - R) / Math.max(n - 1, 1);
      box.append(svg('rect', { 'class': 'hit', x: x(i) - w / 2, y: T, width: w, height: H - T - B },
        svg('title', {}, m.month + ': baseline ' + money(base[i]) + ', with the change ' + money(scen[i]))));
    });
    function line(vals, cls) {
      return svg('polyline', { 'class': cls, points: vals.map(function (v, i) { return x(i).toFixed(1) + ',' + y(v).toFixed(1); }).join(' ') });
    }
    box.append(line(base, 'base'), line(scen, 'scen'));
    box.append(svg('line', { 'class': 'base', x1: L, x2: L + 24, y1: 12, y2: 12 }),
      svg('text', { 'class': 'legend', x: L + 30, y: 16 }, 'Baseline'),
      svg('line', { 'class': 'scen', x1: L + 110, x2: L + 134, y1: 12, y2: 12 }),
      svg('text', { 'class': 'legend', x: L + 140, y: 16 }, 'With the change'));
  }

  function table(t, first, rows, kpis) {
    first = first.charAt(0).toUpperCase() + first.slice(1);
    var cols = kpis ? [first, 'Name'] : [first];
    cols = cols.concat(['Baseline', 'With the change', 'Difference', 'By the rules', 'By the caps', 'Change']);
    if (kpis) cols.push('Moved by');
    var head = el('tr');
    cols.forEach(function (c, i) { head.append(el('th', { 'class': i >= (kpis ? 2 : 1) && c !== 'Moved by' ? 'num' : null }, c)); });
    var body = el('tbody');
    rows.forEach(function (r) {
      var cls = (r.changed ? 'changed ' : '') + (kpis && r.id === selected ? 'selected' : '');
      var tr = el('tr', { 'class': cls.trim() || null, 'data-id': r.id }, el('td', null, r.id));
      if (kpis) tr.append(el('td', null, r.name));
      [r.baseline, r.credits, r.diff, r.rules, r.caps, r.change].forEach(function (v) { tr.append(el('td', { 'class': 'num' }, v)); });
      if (kpis) tr.append(el('td', null, r.changed ? r.moved : ''));
      if (kpis) tr.addEventListener('click', function () { pick(r.id); });
      body.append(tr);
    });
    t.replaceChildren(el('thead', null, head), body);
  }

  function pick(id) {
    selected = id;
    $('kpi').value = id;
    renderKPI();
    document.querySelectorAll('#kpis tr[data-id]').forEach(function (tr) {
      tr.classList.toggle('selected', tr.dataset.id === id);
    });
  }

  function download() {
    if (!valid) return;
    var f = el('form', { method: 'post', action: '/download' },
      el('input', { type: 'hidden', name: 'csrf', value: init.token }),
      el('input', { type: 'hidden', name: 'change', value: JSON.stringify(change) }));
    document.body.append(f);
    f.submit();
    f.remove();
  }

  $('groups-title').textContent = 'By ' + init.groupBy;
  kpiOptions();
  $('kpi').addEventListener('change', function () { pick(this.value); });
  init.months.forEach(function (m) { $('from').append(el('option', { value: m }, m)); });
  $('from').addEventListener('change', function () {
    change.from = this.value;
    this.classList.toggle('changed', this.value !== '');
    schedule();
  });
  $('download').addEventListener('click', download);
  $('reset').addEventListener('click', function () {
    change = { from: '', kpis: {}, caps: {} };
    $('from').value = '';
    $('from').classList.remove('changed');
    kpiOptions();
    renderKPI();
    renderCaps();
    schedule();
  });
  renderKPI();
  renderCaps();
  render(init.result, 0, 0);
  $('status').textContent = 'The baseline: no change yet.';
})();
