/* report.html page script (compiled into terrawatt; docs/REPORT.md). Reads
 * TW_SUMMARY (summary.json), TW_RUN (run.json, null for older runs) and
 * TW_SERIES ("scenario|member" -> series.json) and draws everything with
 * Chart.js (inlined) and inline SVG (the map).
 * SPDX-License-Identifier: GPL-3.0-or-later */
(function () {
  'use strict';
  var S = TW_SUMMARY, D = TW_SERIES, R = TW_RUN || {}, charts = [];
  var CUR = R.currency || 'currency';
  var scenarios = S.scenarios, members = S.members.map(function (m) { return m.name; });
  var ensemble = members.length > 1, first = members[0];
  var baseline = R.baseline && scenarios.indexOf(R.baseline) >= 0 ? R.baseline : scenarios[0];
  var voll = R.load_shedding_cost || 0;
  function series(s, m) { return D[s + '|' + (m === undefined ? first : m)]; }
  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, parent, text) {
    var e = document.createElement(tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function description(name) {
    var d = (R.scenarios || []).filter(function (x) { return x.name === name; })[0];
    return d && d.description ? d.description : '';
  }

  /* ---- numbers people can read ---------------------------------------- */
  function sig(x, digits) {
    var a = Math.abs(x);
    if (a === 0) return '0';
    var d = Math.max(0, digits - 1 - Math.floor(Math.log10(a)));
    return x.toLocaleString('en', {maximumFractionDigits: Math.min(d, 6), minimumFractionDigits: 0});
  }
  function scaled(x, steps, digits) { /* steps: [[factor, suffix], ...] largest first */
    for (var i = 0; i < steps.length; i++)
      if (Math.abs(x) >= steps[i][0] * 0.9995 || i === steps.length - 1)
        return sig(x / steps[i][0], digits) + steps[i][1];
  }
  var UNITS = {
    money: function (x) { return scaled(x, [[1e9, ' bn '], [1e6, ' M '], [1, ' ']], 3) + CUR; },
    price: function (x) { return sig(x, 3) + ' ' + CUR + '/MWh'; },
    share: function (x) { return sig(100 * x, 3) + '%'; },
    mwh: function (x) { return scaled(x, [[1e6, ' TWh'], [1e3, ' GWh'], [1, ' MWh']], 3); },
    mw: function (x) { return scaled(x, [[1e3, ' GW'], [1, ' MW']], 3); },
    t: function (x) { return scaled(x, [[1e6, ' Mt'], [1, ' t']], 3); },
    tmwh: function (x) { return sig(x, 3) + ' t/MWh'; },
    h: function (x) { return sig(x, 3) + ' h'; },
    km2: function (x) { return sig(x, 3) + ' km\u00b2'; },
    m3: function (x) { return scaled(x, [[1e6, ' million m\u00b3'], [1, ' m\u00b3']], 3); },
    n: function (x) { return sig(x, 3); }
  };
  function fmt(x, unit) {
    if (x === null || x === undefined || (typeof x === 'number' && !isFinite(x))) return '\u2013';
    return UNITS[unit](x);
  }

  var hours = (function () { var d = series(scenarios[0]); return d ? d.snapshots.length : 0; })();
  var period = hours % 24 === 0 ? hours / 24 + ' days' : hours + ' hours';

  /* ---- header ---------------------------------------------------------- */
  $('title').textContent = (R.run || S.run);
  document.title = (R.run || S.run) + ' \u2013 terrawatt report';
  if (R.description) $('description').textContent = R.description;
  $('context').textContent = scenarios.length + ' scenarios over ' + period + ' of hourly operation' +
    (ensemble ? ', each under ' + members.length + ' weather sequences (climate ensemble members: ' +
      members.join(', ') + '). Table cells show the median over the members with the range from ' +
      'the 10th to the 90th percentile (P10\u2013P90) below; hourly charts show member ' + first + '.'
      : ', one weather sequence (' + first + ').') + ' All costs in ' + CUR + '. Differences are ' +
    'against the baseline scenario \u201c' + baseline + '\u201d.';

  var dl = $('scenarios');
  scenarios.forEach(function (s) {
    var dt = el('dt', {}, dl, s);
    if (s === baseline) el('span', {'class': 'tag'}, dt, 'baseline');
    el('dd', {}, dl, description(s) || '(no description in the scenario file)');
  });

  /* ---- key figures ------------------------------------------------------ */
  /* [key, label, unit, lower is better (1) / higher (-1) / neutral (0)] */
  var METRICS = [
    ['operating_cost', 'Operating cost for the ' + period + ' (fuel, other running costs, load shedding)', 'money', 1],
    ['capital_cost', 'Capital cost, annualised (one year\u2019s share of building the assets)', 'money', 1],
    ['co2_t', 'CO\u2082 emissions', 't', 1],
    ['co2_intensity_t_per_mwh', 'CO\u2082 per MWh of demand', 'tmwh', 1],
    ['renewable_share', 'Renewable share of generation', 'share', -1],
    ['curtailed_mwh', 'Renewable energy curtailed', 'mwh', 1],
    ['unserved_mwh', 'Demand not served (load shed)', 'mwh', 1],
    ['loss_of_load_h', 'Hours with load shed', 'h', 1],
    ['max_shortfall_mw', 'Largest shortfall', 'mw', 1],
    ['recovery_h', 'Recovery after an outage', 'h', 1],
    ['mean_price', 'Mean electricity price (demand-weighted)', 'price', 1],
    ['land_use_km2', 'Land used by wind and solar', 'km2', 1],
    ['water_withdrawal_m3', 'Cooling water withdrawn', 'm3', 1],
    ['drought_count', 'Renewable droughts', 'n', 0],
    ['drought_longest_h', 'Longest renewable drought', 'h', 0],
    ['drought_cost', 'Cost during droughts', 'money', 1],
    ['ev_peak_net_load_immediate_mw', 'EV: peak net load, immediate charging', 'mw', 1],
    ['ev_peak_net_load_smart_mw', 'EV: peak net load, smart charging', 'mw', 1],
    ['ev_cost_immediate', 'EV: total cost, immediate charging', 'money', 1],
    ['ev_cost_smart', 'EV: total cost, smart charging', 'money', 1],
    ['ev_energy_mwh', 'EV: charging energy (smart)', 'mwh', 0],
    ['ev_shifted_energy_mwh', 'EV: energy shifted by smart charging', 'mwh', 0]
  ];
  function stat(s, k, q) { var e = S.ensemble[s] && S.ensemble[s][k]; return e ? e[q || 'p50'] : null; }
  function range(lo, hi) { /* "4.86 GW", "5.05 GW" -> "4.86\u20135.05 GW" */
    var i = lo.lastIndexOf(' '), j = hi.lastIndexOf(' ');
    if (i > 0 && j > 0 && lo.slice(i) === hi.slice(j) && !/\d/.test(lo.slice(i)))
      return lo.slice(0, i) + '\u2013' + hi;
    return lo + ' \u2013 ' + hi;
  }
  function shed(s) { return voll > 0 && stat(s, 'unserved_mwh', 'max') > 0; }
  var tbl = $('metrics'), hr = el('tr', {}, el('thead', {}, tbl));
  el('th', {}, hr, 'figure');
  scenarios.forEach(function (s) { el('th', s === baseline ? {'class': 'baseline'} : {}, hr, s); });
  var tb = el('tbody', {}, tbl), footnote = false;
  METRICS.forEach(function (m) {
    var k = m[0];
    if (!scenarios.some(function (s) { var v = stat(s, k); return v !== null && v !== undefined; })) return;
    var tr = el('tr', {}, tb);
    el('td', {}, tr, m[1]);
    scenarios.forEach(function (s) {
      var v = stat(s, k), td = el('td', {}, tr, fmt(v, m[2]));
      if (k === 'mean_price' && shed(s)) {
        td.appendChild(document.createTextNode(' *'));
        footnote = true;
      }
      if (ensemble && v !== null && isFinite(v)) el('span', {'class': 'range'}, td, 'P10\u2013P90: ' +
        range(fmt(stat(s, k, 'p10'), m[2]), fmt(stat(s, k, 'p90'), m[2])));
      var b = stat(baseline, k);
      if (s !== baseline && v !== null && b !== null && isFinite(v) && isFinite(b)) {
        var d = v - b, rel = b !== 0 ? d / Math.abs(b) : null;
        var txt = m[2] === 'share' ? (d >= 0 ? '+' : '\u2212') + sig(Math.abs(100 * d), 2) + ' points'
          : (d >= 0 ? '+' : '\u2212') + fmt(Math.abs(d), m[2]) +
            (rel !== null && Math.abs(rel) >= 0.0005 ? ' (' + (d >= 0 ? '+' : '\u2212') + sig(Math.abs(100 * rel), 2) + '%)' : '');
        var tiny = Math.abs(d) <= 1e-9 * Math.max(1, Math.abs(b));
        var cls = tiny || !m[3] ? 'same' : (d * m[3] < 0 ? 'better' : 'worse');
        el('span', {'class': 'diff ' + cls}, td, tiny ? 'same as baseline' : txt + ' vs baseline');
      }
    });
  });
  if (footnote) $('table-note').textContent = '* The mean price includes hours in which load was shed: ' +
    'the price then equals the value of lost load (' + fmt(voll, 'price') + '), see the glossary.';

  /* ---- colours ---------------------------------------------------------- */
  /* Kelly's 20 colours of maximum contrast (without white and black). */
  var PALETTE = ['#0067A5', '#F38400', '#8DB600', '#BE0032', '#875692', '#F3C300', '#A1CAF1',
    '#C2B280', '#848482', '#008856', '#E68FAC', '#F99379', '#604E97', '#F6A600', '#B3446C',
    '#DCD300', '#882D17', '#654522', '#E25822', '#2B3D26'];
  var carrierColour = {}, used = 0;
  scenarios.forEach(function (s) {
    members.forEach(function (m) {
      var d = series(s, m);
      if (!d) return;
      var given = d.carrier_colors || {};
      Object.keys(d.dispatch_mw).forEach(function (c) {
        if (!carrierColour[c]) carrierColour[c] = given[c] || PALETTE[used++ % PALETTE.length];
      });
    });
  });
  function scenColour(i) { return PALETTE[i % PALETTE.length]; }
  function legend(parent, items) { /* items: [label, colour, style] */
    var ul = el('ul', {'class': 'legend'}, parent);
    items.forEach(function (it) {
      var li = el('li', {}, ul);
      var sw = el('span', {'class': 'swatch' + (it[2] ? ' ' + it[2] : '')}, li);
      if (it[2] && it[2].indexOf('line') >= 0) sw.style.borderTopColor = it[1];
      else sw.style.background = it[1];
      el('span', {}, li, it[0]);
    });
    return ul;
  }

  /* ---- charts ------------------------------------------------------------ */
  function card(parentId, title, sub) {
    var c = el('div', {'class': 'card'}, $(parentId));
    el('h3', {}, c, title);
    if (sub) el('p', {'class': 'sub'}, c, sub);
    var box = el('div', {'class': 'plot'}, c);
    return {card: c, canvas: el('canvas', {}, box)};
  }
  /* Shaded snapshot windows: options.plugins.shade = [{from, to, colour, label}]. */
  var shade = {id: 'shade', beforeDatasetsDraw: function (c) {
    var w = c.options.plugins.shade, x = c.scales.x, a = c.chartArea, g = c.ctx;
    if (!w || !w.length) return;
    var step = x.getPixelForValue(1) - x.getPixelForValue(0);
    g.save();
    w.forEach(function (r) {
      var x0 = Math.max(a.left, x.getPixelForValue(r.from) - step / 2);
      var x1 = Math.min(a.right, x.getPixelForValue(r.to) - step / 2);
      g.fillStyle = r.colour;
      g.fillRect(x0, a.top, Math.max(1, x1 - x0), a.bottom - a.top);
      if (r.label) {
        g.fillStyle = '#444'; g.font = '11px sans-serif'; g.textBaseline = 'top';
        g.fillText(r.label, x0 + 3, a.top + 3 + (r.row || 0) * 13);
      }
    });
    g.restore();
  }};
  /* P10-P90 whiskers on bars: options.plugins.whiskers = {lo: [], hi: []}. */
  var whiskers = {id: 'whiskers', afterDatasetsDraw: function (c) {
    var m = c.options.plugins.whiskers;
    if (!m) return;
    var y = c.scales.y, g = c.ctx;
    g.save(); g.strokeStyle = '#222'; g.lineWidth = 1.5;
    c.getDatasetMeta(0).data.forEach(function (bar, i) {
      var lo = m.lo[i], hi = m.hi[i];
      if (lo === null || hi === null) return;
      var x = bar.x, y0 = y.getPixelForValue(lo), y1 = y.getPixelForValue(hi);
      g.beginPath(); g.moveTo(x, y0); g.lineTo(x, y1);
      g.moveTo(x - 6, y0); g.lineTo(x + 6, y0); g.moveTo(x - 6, y1); g.lineTo(x + 6, y1);
      g.stroke();
    });
    g.restore();
  }};
  function chart(canvas, cfg, unit) {
    var o = cfg.options = cfg.options || {};
    o.animation = false; o.responsive = true; o.maintainAspectRatio = false;
    o.plugins = o.plugins || {};
    o.plugins.legend = {display: false}; /* legends are HTML below the plot: they never shrink it */
    o.plugins.tooltip = {callbacks: {label: function (ctx) {
      var v = ctx.parsed.y;
      return (ctx.dataset.label ? ctx.dataset.label + ': ' : '') + (unit ? fmt(v, unit) : sig(v, 3));
    }}};
    if (unit && o.scales && o.scales.y && !o.scales.y.ticks)
      o.scales.y.ticks = {callback: function (v) { return fmt(v, unit); }};
    cfg.plugins = (cfg.plugins || []).concat([shade]);
    var ch = new Chart(canvas.getContext('2d'), cfg);
    charts.push(ch);
    return ch;
  }
  function labels(d) {
    var months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    return d.snapshots.map(function (x) {
      var m = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d)/.exec(x);
      return m ? (+m[3]) + ' ' + months[+m[2] - 1] + ' ' + m[4] + ':' + m[5] : x;
    });
  }
  /* Ticks show the day ("2 Apr"), tooltips the hour. */
  var xAxis = {ticks: {maxTicksLimit: 8, maxRotation: 0, autoSkip: true, autoSkipPadding: 12,
    callback: function (v) { return String(this.getLabelForValue(v)).split(' ').slice(0, 2).join(' '); }}};
  function droughtWindows(d, colour) {
    var w = [], t0 = -1;
    (d.drought || []).concat([0]).forEach(function (f, t) {
      if (f && t0 < 0) t0 = t;
      if (!f && t0 >= 0) { w.push({from: t0, to: t, colour: colour, label: 'renewable drought', row: 1}); t0 = -1; }
    });
    return w;
  }
  function outageWindows(d) {
    return (d.outages || []).map(function (o, i) {
      return {from: o.start, to: o.end, colour: 'rgba(220,40,40,0.13)', label: 'outage: ' + o.name, row: 2 + i};
    });
  }

  /* Metric bars (P50; P10-P90 whiskers only for an ensemble). */
  [['operating_cost', 'Operating cost for the ' + period, 'money'],
   ['capital_cost', 'Capital cost, annualised', 'money'],
   ['co2_t', 'CO\u2082 emissions', 't'], ['unserved_mwh', 'Demand not served', 'mwh'],
   ['curtailed_mwh', 'Renewable energy curtailed', 'mwh'],
   ['renewable_share', 'Renewable share of generation', 'share'],
   ['land_use_km2', 'Land used by wind and solar', 'km2'],
   ['water_withdrawal_m3', 'Cooling water withdrawn', 'm3'],
   ['loss_of_load_h', 'Hours with load shed', 'h']].forEach(function (b) {
    var k = b[0];
    var c = card('bars', b[1], ensemble ? 'median over members; whiskers: P10\u2013P90' : null);
    var opts = {scales: {x: {ticks: {maxRotation: 0, autoSkip: false, font: {size: 10}}},
      y: {beginAtZero: true}}, plugins: {}};
    if (ensemble) opts.plugins.whiskers = {lo: scenarios.map(function (s) { return stat(s, k, 'p10'); }),
      hi: scenarios.map(function (s) { return stat(s, k, 'p90'); })};
    chart(c.canvas, {type: 'bar', data: {labels: scenarios, datasets: [{label: b[1],
      data: scenarios.map(function (s) { return stat(s, k); }),
      backgroundColor: scenarios.map(function (s, i) { return s === baseline ? '#7a8ca3' : scenColour(i); })}]},
      options: opts, plugins: ensemble ? [whiskers] : []}, b[2]);
  });

  /* Dispatch stacks: one y range for all, outages and droughts shaded. */
  (function () {
    var lo = 0, hi = 0, carriers = [];
    scenarios.forEach(function (s) {
      var d = series(s);
      if (!d) return;
      for (var t = 0; t < d.snapshots.length; t++) {
        var pos = d.shed_mw[t], neg = 0;
        Object.keys(d.dispatch_mw).forEach(function (c) {
          var v = d.dispatch_mw[c][t];
          if (v > 0) pos += v; else neg += v;
        });
        hi = Math.max(hi, pos, d.load_mw[t]); lo = Math.min(lo, neg);
      }
      Object.keys(d.dispatch_mw).forEach(function (c) { if (carriers.indexOf(c) < 0) carriers.push(c); });
    });
    var items = carriers.map(function (c) { return [c, carrierColour[c]]; });
    items.push(['demand not served', '#000'], ['load', '#d00', 'line'],
               ['outage', 'rgba(220,40,40,0.35)', 'shade'], ['renewable drought', 'rgba(120,120,120,0.45)', 'shade']);
    legend($('dispatch-legend'), items);
    scenarios.forEach(function (s) {
      var d = series(s);
      if (!d) return;
      var ds = Object.keys(d.dispatch_mw).map(function (c) {
        return {label: c, data: d.dispatch_mw[c], backgroundColor: carrierColour[c], borderColor: carrierColour[c],
          fill: true, pointRadius: 0, borderWidth: 0, stack: 's'};
      });
      if (d.shed_mw.some(function (x) { return x > 0; }))
        ds.push({label: 'demand not served', data: d.shed_mw, backgroundColor: '#000', borderColor: '#000',
          fill: true, pointRadius: 0, borderWidth: 0, stack: 's'});
      ds.push({label: 'load', data: d.load_mw, borderColor: '#d00', borderWidth: 1.5, pointRadius: 0,
        fill: false, stack: 'load', order: -1}); /* drawn on top of the areas */
      var c = card('dispatch', s, description(s));
      chart(c.canvas, {type: 'line', data: {labels: labels(d), datasets: ds}, options: {
        interaction: {mode: 'index', intersect: false},
        scales: {x: xAxis, y: {stacked: true, suggestedMin: lo, suggestedMax: hi}},
        plugins: {shade: droughtWindows(d, 'rgba(120,120,120,0.16)').concat(outageWindows(d))}}}, 'mw');
    });
  })();

  /* Net load, small multiples: immediate vs smart EV charging, shared y. */
  (function () {
    var lo = Infinity, hi = -Infinity, anyEv = false;
    scenarios.forEach(function (s) {
      var d = series(s);
      if (!d) return;
      [d.net_load_mw, d.net_load_ev_mw].forEach(function (x) {
        (x || []).forEach(function (v) { lo = Math.min(lo, v); hi = Math.max(hi, v); });
      });
      anyEv = anyEv || !!d.net_load_ev_mw;
    });
    legend($('netload-legend'), anyEv
      ? [['immediate EV charging (plug in and charge)', 'rgba(31,78,156,0.55)', 'line'],
         ['smart EV charging (shifted to cheap hours)', '#e07b00', 'line dash'], ['outage', 'rgba(220,40,40,0.35)', 'shade']]
      : [['net load', '#1f4e9c', 'line'], ['outage', 'rgba(220,40,40,0.35)', 'shade']]);
    scenarios.forEach(function (s) {
      var d = series(s);
      if (!d) return;
      var ds = [{label: d.net_load_ev_mw ? 'immediate charging' : 'net load', data: d.net_load_mw,
        borderColor: 'rgba(31,78,156,0.55)', pointRadius: 0, borderWidth: 2.5}];
      if (d.net_load_ev_mw) ds.push({label: 'smart charging', data: d.net_load_ev_mw, borderColor: '#e07b00',
        borderDash: [4, 2], pointRadius: 0, borderWidth: 1.2});
      var c = card('netload', s, d.net_load_ev_mw ? null : 'no electric-car fleets in this scenario');
      chart(c.canvas, {type: 'line', data: {labels: labels(d), datasets: ds}, options: {
        interaction: {mode: 'index', intersect: false},
        scales: {x: xAxis, y: {suggestedMin: lo, suggestedMax: hi}},
        plugins: {shade: outageWindows(d)}}}, 'mw');
    });
  })();

  /* Prices: duration curves, log axis. */
  (function () {
    var ds = [], n = 0, items = [];
    scenarios.forEach(function (s, i) {
      var d = series(s);
      if (!d) return;
      var p = d.price.map(function (x) { return Math.max(x, 0.01); }).sort(function (a, b) { return b - a; });
      n = p.length;
      ds.push({label: s, data: p, borderColor: scenColour(i), pointRadius: 0, borderWidth: 1.6, stepped: true});
      items.push([s, scenColour(i), 'line']);
    });
    var l = [];
    for (var i = 0; i < n; i++) l.push(i + 1);
    var c = card('prices', 'Price duration curve', 'every hour\u2019s demand-weighted mean price, sorted from highest to lowest' +
      (voll ? '; hours at the top at ' + fmt(voll, 'price') + ' are hours with load shed' : ''));
    chart(c.canvas, {type: 'line', data: {labels: l, datasets: ds}, options: {
      interaction: {mode: 'index', intersect: false},
      scales: {x: {title: {display: true, text: 'hours, sorted by price'}, ticks: {maxTicksLimit: 10, maxRotation: 0}},
        y: {type: 'logarithmic', title: {display: true, text: CUR + '/MWh (log scale)'},
          ticks: {callback: function (v) { var e = Math.log10(v); return Math.abs(e - Math.round(e)) < 1e-9 ? sig(v, 2) : ''; }}}}}},
      'price');
    legend(c.card, items);
  })();

  /* Renewable droughts: combined wind+solar capacity factor per member. */
  S.members.forEach(function (m, i) {
    var d = series(scenarios[0], m.name);
    if (!d || !d.combined_cf) return;
    var c = card('droughts', ensemble ? 'Member ' + m.name : 'Weather ' + m.name,
      m.drought_count + ' drought' + (m.drought_count === 1 ? '' : 's') + ', longest ' + fmt(m.drought_longest_h, 'h'));
    chart(c.canvas, {type: 'line', data: {labels: labels(d), datasets: [{label: 'wind+solar capacity factor',
      data: d.combined_cf, borderColor: scenColour(i), pointRadius: 0, borderWidth: 1.2}]},
      options: {scales: {x: xAxis, y: {min: 0, max: 1, title: {display: true, text: 'capacity factor'}}},
        plugins: {shade: droughtWindows(d, 'rgba(120,120,120,0.22)')}}}, 'share');
    legend(c.card, [['combined wind+solar capacity factor', scenColour(i), 'line'],
      ['renewable drought', 'rgba(120,120,120,0.45)', 'shade']]);
  });

  /* ---- map: inline SVG, one per scenario, one colour scale --------------- */
  (function () {
    var maps = scenarios.map(function (s) { var d = series(s); return d && d.map ? {s: s, m: d.map} : null; })
      .filter(function (x) { return x && x.m.buses.length; });
    if (!maps.length) { $('map-note').textContent = 'No bus coordinates in the results.'; return; }
    var prices = [], loads = [];
    maps.forEach(function (x) {
      x.m.buses.forEach(function (b) { if (isFinite(b.mean_price)) prices.push(b.mean_price); });
      x.m.lines.forEach(function (l) { if (isFinite(l.mean_loading)) loads.push(l.mean_loading); });
    });
    /* The scale spans normal prices (P90 of those below half the value of lost
     * load); buses above it, e.g. with load shed, take its top colour. */
    prices.sort(function (a, b) { return a - b; });
    var normal = prices.filter(function (p) { return !voll || p < voll / 2; });
    if (!normal.length) normal = prices;
    var pLo = prices[0] || 0, pHi = normal[Math.floor(0.9 * (normal.length - 1))] || 1;
    if (pHi <= pLo) pHi = pLo + 1;
    var viridis = ['#440154', '#46327e', '#365c8d', '#277f8e', '#1fa187', '#4ac16d', '#a0da39', '#fde725'];
    var heat = ['#bdbdbd', '#fdd49e', '#fc8d59', '#d7301f', '#7f0000'];
    function ramp(cols, f) {
      f = Math.max(0, Math.min(1, f));
      return cols[Math.min(cols.length - 1, Math.floor(f * cols.length))];
    }
    function gradient(cols) { return 'linear-gradient(to right,' + cols.join(',') + ')'; }
    var note = $('map-note');
    note.textContent = 'Buses at their coordinates, coloured by their mean nodal price over the period; ' +
      'lines coloured and sized by their mean loading (flow / rating). One colour scale for all scenarios.';
    var cb = $('map-legend');
    [['mean price', viridis, fmt(pLo, 'price'), '\u2265 ' + fmt(pHi, 'price')],
     ['mean line loading', heat, '0%', '100%']].forEach(function (x) {
      var d = el('div', {'class': 'colorbar'}, cb);
      el('span', {}, d, x[0] + ': ' + x[2]);
      el('span', {'class': 'bar'}, d).style.background = gradient(x[1]);
      el('span', {}, d, x[3]);
    });
    var NS = 'http://www.w3.org/2000/svg';
    function svg(tag, attrs, parent, title) {
      var e = document.createElementNS(NS, tag);
      for (var k in attrs) e.setAttribute(k, attrs[k]);
      if (title) { var t = document.createElementNS(NS, 'title'); t.textContent = title; e.appendChild(t); }
      parent.appendChild(e);
      return e;
    }
    var all = maps[0].m.buses, xs = all.map(function (b) { return b.x; }), ys = all.map(function (b) { return b.y; });
    var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs), y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
    var kx = Math.cos((y0 + y1) / 2 * Math.PI / 180) || 1; /* lon/lat: keep shapes */
    var W = 480, H = 360, pad = 40;
    var sc = Math.min((W - 2 * pad) / Math.max((x1 - x0) * kx, 1e-9), (H - 2 * pad) / Math.max(y1 - y0, 1e-9));
    function px(b) { return [pad + (b.x - x0) * kx * sc, H - pad - (b.y - y0) * sc]; }
    var minMarkers = Infinity;
    maps.forEach(function (x) {
      var c = el('div', {'class': 'card mapbox'}, $('maps'));
      el('h3', {}, c, x.s);
      var root = svg('svg', {viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': 'network map, scenario ' + x.s}, c);
      var at = {};
      x.m.buses.forEach(function (b) { at[b.name] = px(b); });
      x.m.lines.forEach(function (l) {
        var a = at[l.bus0], b = at[l.bus1];
        if (!a || !b) return;
        svg('line', {x1: a[0], y1: a[1], x2: b[0], y2: b[1], stroke: ramp(heat, l.mean_loading),
          'stroke-width': 2 + 6 * Math.min(1, l.mean_loading || 0), 'stroke-linecap': 'round', 'class': 'line'},
          root, l.name + ': mean loading ' + fmt(l.mean_loading, 'share'));
      });
      var n = 0;
      x.m.buses.forEach(function (b) {
        var p = at[b.name];
        svg('circle', {cx: p[0], cy: p[1], r: 9, fill: ramp(viridis, (b.mean_price - pLo) / (pHi - pLo)),
          stroke: '#fff', 'stroke-width': 2, 'class': 'bus', 'data-bus': b.name}, root,
          b.name + ': mean price ' + fmt(b.mean_price, 'price'));
        var t = svg('text', {x: p[0] + 12, y: p[1] + 4}, root);
        t.textContent = b.name + ' ' + sig(b.mean_price, 3);
        n++;
      });
      c.setAttribute('data-markers', String(n));
      c.setAttribute('data-buses', String(x.m.buses.length));
      minMarkers = Math.min(minMarkers, n);
    });
    document.body.setAttribute('data-maps', String(maps.length));
  })();

  /* ---- glossary ---------------------------------------------------------- */
  var G = [
    ['Operating cost', 'What running the system costs over the ' + period + ' modelled: fuel and other running ' +
      'costs of every plant and battery, plus every MWh of demand not served, priced at the value of lost load. ' +
      'This is the figure that changes from scenario to scenario.'],
    ['Annualised capital cost', 'One year\u2019s share of what the power plants, lines and batteries cost to build ' +
      '(the network\u2019s capital_cost per MW). It covers a whole year, not only the period modelled, so do not ' +
      'add it to the operating cost of a few weeks. The solver\u2019s objective, in the metrics files, is the sum of ' +
      'the two minus the capital cost of assets that already exist.'],
    ['Value of lost load (load shedding)', voll ? 'When supply cannot meet demand, the model sheds load: it leaves ' +
      'demand unserved at a cost of ' + fmt(voll, 'price') + ' (optimize.load_shedding_cost). In those hours the ' +
      'electricity price at the affected buses equals this value, so a few hours of shedding raise the mean price ' +
      'far above normal levels: a high mean price then means \u201cload was shed\u201d, not \u201cpower got expensive\u201d.'
      : 'This run does not allow load shedding: every scenario serves all demand.'],
    ['Electricity price', 'The nodal price (the cost of one more MWh at a bus, from the optimisation), averaged over ' +
      'hours weighted by demand. It is the marginal cost of the most expensive plant running, or the value of lost ' +
      'load in hours with load shed.'],
    ['Renewable share', 'Wind, solar, hydro and other renewable generation as a share of all generation.'],
    ['Curtailment', 'Wind and solar energy that was available but not used (the grid could not take it or demand was too low).'],
    ['Net load', 'Demand minus the wind and solar power available: what other plants, batteries and imports must cover.'],
    ['Immediate vs smart EV charging', 'Immediate: cars charge at full power as soon as they are plugged in. Smart: ' +
      'the same cars charge when it suits the grid, with every car ready for its next trip.'],
    ['Renewable drought', 'A period of at least the configured length in which wind and solar together produce ' +
      'less than the configured share of their capacity (\u201cdark and still\u201d); shaded grey in the charts.'],
    ['Outage', 'Components (lines, plants) out of service in a scenario, from its start until repaired; shaded red.'],
    ['Recovery after an outage', 'Hours from the end of an outage until no load is shed any more.'],
    ['Land use, cooling water', 'Land taken by wind and solar farms (rooftop solar takes none) and water withdrawn ' +
      'to cool thermal plants, from published factors per MW or MWh (docs/SCENARIO.md).']
  ];
  if (ensemble) G.push(['Ensemble, P10\u2013P90', 'Each scenario is run under ' + members.length + ' weather sequences ' +
    '(ensemble members). The median (P50) is the middle result; 10% of members lie below P10 and 10% above P90.']);
  var gl = $('glossary');
  G.forEach(function (g) { el('dt', {}, gl, g[0]); el('dd', {}, gl, g[1]); });

  /* ---- layout self-check for the browser test (docs/REPORT.md) ----------- */
  window.addEventListener('beforeprint', function () { charts.forEach(function (c) { c.resize(); }); });
  function check() {
    var minPlot = Infinity, badLegends = 0;
    charts.forEach(function (c) { minPlot = Math.min(minPlot, c.chartArea.bottom - c.chartArea.top); });
    Array.prototype.forEach.call(document.querySelectorAll('.legend'), function (l) {
      var box = l.parentElement.getBoundingClientRect(), r = l.getBoundingClientRect();
      if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.bottom > box.bottom + 0.5 ||
          l.scrollWidth > l.clientWidth + 1) badLegends++;
    });
    var b = document.body;
    b.setAttribute('data-min-plot-height', String(Math.floor(minPlot)));
    b.setAttribute('data-legends-outside', String(badLegends));
    b.setAttribute('data-charts-rendered', String(charts.length));
    $('status').textContent = '';
  }
  check();
  window.addEventListener('resize', check);
})();
