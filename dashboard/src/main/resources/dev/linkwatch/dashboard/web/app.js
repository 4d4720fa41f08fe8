// linkwatch dashboard. Everything shown comes from posts, which are hostile input: text goes in with
// textContent or text nodes only (never innerHTML), and only http(s) URLs become links.
'use strict';

const MAX_MATCHES = 100;
const SERIES = [
  ['inbound', '#1d2330'], ['matched', '#c62828'], ['unmatched', '#1565c0'], ['errored', '#6a1b9a'],
  ['notices', '#2e7d32'], ['dropped_late', '#ef6c00'], ['unresolved_links', '#00838f'],
];
const PALETTE = ['#1565c0', '#c62828', '#2e7d32', '#6a1b9a'];
const $ = (id) => document.getElementById(id);
const seen = new Set();
let countsChart = null;
let platformChart = null;
let platformKeys = '';
let connected = false;
let lastStatus = null;

function el(tag, text, attrs) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (attrs) for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

/** The URL when it is http(s), else null: a javascript: or data: link must never be clickable. */
function safeHttpUrl(u) {
  if (typeof u !== 'string') return null;
  try {
    const url = new URL(u);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch (e) {
    return null;
  }
}

/** A link for an http(s) URL; any other URL is shown as plain text, marked as not followed. */
function link(u, label) {
  const href = safeHttpUrl(u);
  if (href === null) return el('span', label === undefined ? u : label, { class: 'unsafe', title: 'not an http(s) link' });
  return el('a', label === undefined ? u : label, { href, rel: 'noopener noreferrer nofollow', target: '_blank' });
}

function time(ms) {
  return ms ? new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '';
}

/** The post text with each hit in a <mark>, by the hits' UTF-16 offsets (which JavaScript strings use too). */
function highlighted(text, hits) {
  const p = el('div', null, { class: 'post-text' });
  const sorted = (hits || []).filter((h) => Number.isInteger(h.start) && Number.isInteger(h.end)
      && h.start >= 0 && h.start < h.end && h.end <= text.length)
    .sort((a, b) => a.start - b.start);
  let at = 0;
  for (const h of sorted) {
    if (h.start < at) continue; // overlapping hits: the first one is shown
    p.appendChild(document.createTextNode(text.slice(at, h.start)));
    const m = el('mark', text.slice(h.start, h.end), { 'data-tag': h.tag, title: h.tag + ': ' + h.value });
    p.appendChild(m);
    at = h.end;
  }
  p.appendChild(document.createTextNode(text.slice(at)));
  return p;
}

function matchItem(m) {
  const li = el('li', null, { class: 'match', 'data-seq': String(m.seq) });
  const meta = el('div', null, { class: 'meta' });
  meta.appendChild(el('span', (m.platform || '?') + ' · ' + time(m.seen) + ' · '));
  if (m.post_url) meta.appendChild(link(m.post_url, 'open post'));
  else meta.appendChild(el('span', 'no post link'));
  li.appendChild(meta);
  li.appendChild(highlighted(m.text || '', m.hits));
  const media = m.media || {};
  const entries = [];
  for (const [tag, key] of [['artist', 'artists'], ['album', 'albums'], ['track', 'tracks']]) {
    for (const v of media[key] || []) entries.push(tag + ': ' + v);
  }
  li.appendChild(el('div', 'catalog: ' + entries.join(' · '), { class: 'meta catalog' }));
  const links = el('ul', null, { class: 'links' });
  for (const l of m.links || []) {
    const item = el('li');
    item.appendChild(link(l.url));
    if (l.resolved && l.resolved !== l.url) {
      item.appendChild(el('span', ' → '));
      item.appendChild(link(l.resolved));
    }
    item.appendChild(el('span', ' (' + l.resolution + (l.whitelisted ? ', allowed' : '') + (l.blacklisted ? ', blocked' : '') + ') ', { class: 'meta' }));
    if (l.primary_domain && !l.whitelisted) {
      item.appendChild(el('a', 'domain ' + l.primary_domain, { href: '#domain=' + encodeURIComponent(l.primary_domain), class: 'domain-link' }));
    }
    links.appendChild(item);
  }
  li.appendChild(links);
  return li;
}

function addMatch(m) {
  if (seen.has(m.seq)) return;
  seen.add(m.seq);
  const list = $('matches');
  list.insertBefore(matchItem(m), list.firstChild);
  while (list.children.length > MAX_MATCHES) list.removeChild(list.lastChild);
  const open = currentDomain();
  if (open && (m.links || []).some((l) => l.primary_domain === open)) showDomain(open);
}

function chartWidth(box) {
  return Math.max(300, box.clientWidth - 2);
}

function drawCounts(c) {
  const times = c.times || [];
  const data = [times];
  const series = [{}];
  for (const [name, color] of SERIES) {
    data.push((c.series || {})[name] || times.map(() => null));
    series.push({ label: name, stroke: color, width: 2, spanGaps: true });
  }
  const box = $('chart-counts');
  if (countsChart === null) {
    countsChart = new uPlot({ width: chartWidth(box), height: 220, series, axes: [{}, { label: 'records per batch' }] }, data, box);
  } else {
    countsChart.setData(data);
  }
  box.setAttribute('data-points', String(times.length));
  const platforms = Object.keys(c.platforms || {}).sort();
  $('platforms-box').hidden = platforms.length < 2;
  if (platforms.length < 2) return;
  const pdata = [times].concat(platforms.map((p) => c.platforms[p]));
  const pbox = $('chart-platforms');
  if (platformChart === null || platformKeys !== platforms.join(',')) {
    if (platformChart) platformChart.destroy();
    platformKeys = platforms.join(',');
    const ps = [{}].concat(platforms.map((p, i) => ({ label: p, stroke: PALETTE[i % PALETTE.length], width: 2, spanGaps: true })));
    platformChart = new uPlot({ width: chartWidth(pbox), height: 180, series: ps }, pdata, pbox);
  } else {
    platformChart.setData(pdata);
  }
}

function fillTop(listId, windowId, top, domains) {
  const list = $(listId);
  list.replaceChildren();
  $(windowId).textContent = top.window_end ? 'window ending ' + top.window_end : '(no window closed yet)';
  for (const e of top.entries || []) {
    const li = el('li');
    if (domains) li.appendChild(el('a', e.key, { href: '#domain=' + encodeURIComponent(e.key) }));
    else li.appendChild(el('span', e.key));
    li.appendChild(el('span', ' ' + e.count, { class: 'meta' }));
    list.appendChild(li);
  }
}

function fillTable(id, rows, cells) {
  const body = $(id).tBodies[0];
  body.replaceChildren();
  for (const r of rows) {
    const tr = el('tr');
    cells(r).forEach((v, i, all) => tr.appendChild(el('td', v, i === all.length - 1 ? { class: 'n' } : undefined)));
    body.appendChild(tr);
  }
}

function showCounts(c) {
  drawCounts(c);
  fillTop('top-domains', 'top-domain-window', c.top_domain || {}, true);
  fillTop('top-artists', 'top-artist-window', c.top_artist || {}, false);
  fillTable('reasons', c.unmatched_reasons || [], (r) => [r.reason, r.count]);
  fillTable('errors', c.errors || [], (r) => [r.step, r.reason, r.count]);
  fillTable('notices', c.notices || [], (r) => [r.kind, r.count]);
  showStatus(c.status);
}

function showStatus(s) {
  if (s) lastStatus = s;
  const badge = $('status');
  if (!connected) {
    badge.dataset.state = 'disconnected';
    badge.textContent = 'disconnected from the dashboard: reconnecting…';
    return;
  }
  s = lastStatus;
  if (!s) return;
  if (s.last_record_age_ms === null) {
    badge.dataset.state = 'stale';
    badge.textContent = 'waiting for the first record';
  } else if (s.stale) {
    badge.dataset.state = 'stale';
    badge.textContent = 'stale: no record for ' + Math.round(s.last_record_age_ms / 1000) + ' s (is the job running?)';
  } else if (s.last_replay && s.last_replay_age_ms < 60000) {
    badge.dataset.state = 'replay';
    badge.textContent = 'live · the job restarted and replayed records (' + s.replays + ' time(s))';
  } else {
    badge.dataset.state = 'live';
    badge.textContent = 'live · ' + s.records + ' records read';
  }
}

function currentDomain() {
  const m = /^#domain=(.+)$/.exec(location.hash);
  return m ? decodeURIComponent(m[1]) : null;
}

async function showDomain(d) {
  const view = $('domain-view');
  const path = 'domains/' + encodeURIComponent(d);
  $('domain-name').textContent = d;
  $('domain-csv').setAttribute('href', path + '.csv');
  view.hidden = false;
  const res = await fetch(path + '.json');
  if (!res.ok) {
    $('domain-summary').textContent = 'No evidence kept for this domain.';
    $('domain-urls').tBodies[0].replaceChildren();
    $('domain-samples').replaceChildren();
    return;
  }
  const v = await res.json();
  if (currentDomain() !== d) return;
  $('domain-summary').textContent = v.matches + ' matched post(s), first seen ' + time(v.first_seen) + ', last seen ' + time(v.last_seen) + ', ' + v.urls.length + ' distinct URL(s)';
  const body = $('domain-urls').tBodies[0];
  body.replaceChildren();
  for (const u of v.urls) {
    const tr = el('tr');
    const cell = el('td');
    cell.appendChild(link(u.url));
    tr.appendChild(cell);
    tr.appendChild(el('td', u.linked_as));
    tr.appendChild(el('td', u.resolution));
    tr.appendChild(el('td', time(u.first_seen)));
    tr.appendChild(el('td', time(u.last_seen)));
    tr.appendChild(el('td', u.count, { class: 'n' }));
    body.appendChild(tr);
  }
  const samples = $('domain-samples');
  samples.replaceChildren(...v.samples.map(matchItem));
}

function route() {
  const d = currentDomain();
  if (d) showDomain(d);
  else $('domain-view').hidden = true;
}

function connect() {
  const source = new EventSource('events');
  source.addEventListener('open', () => { connected = true; showStatus(); });
  source.addEventListener('error', () => { connected = false; showStatus(); });
  source.addEventListener('snapshot', (e) => {
    const s = JSON.parse(e.data);
    connected = true;
    showCounts(s.counts);
    for (const m of s.matches.slice().reverse()) addMatch(m);
  });
  source.addEventListener('match', (e) => addMatch(JSON.parse(e.data)));
  source.addEventListener('counts', (e) => showCounts(JSON.parse(e.data)));
  source.addEventListener('status', (e) => showStatus(JSON.parse(e.data)));
}

window.addEventListener('hashchange', route);
$('domain-close').addEventListener('click', (e) => { e.preventDefault(); history.replaceState(null, '', location.pathname); route(); });
window.addEventListener('resize', () => {
  for (const [chart, box] of [[countsChart, $('chart-counts')], [platformChart, $('chart-platforms')]]) {
    if (chart) chart.setSize({ width: chartWidth(box), height: chart.height });
  }
});
connect();
route();
