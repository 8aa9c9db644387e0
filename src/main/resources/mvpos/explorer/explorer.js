'use strict';
/*
 * The explorer's pages: a fork tree, blocks, transactions, accounts, validators, slashing evidence,
 * peers; a finality banner; live updates from the server's events. Every text from the server is
 * put in the page as text (textContent), or escaped (esc) where the tree builds SVG.
 */

const App = {info: null, node: 0, all: false, trees: [], reorgs: [], evidence: 0, statuses: []};

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== undefined && v !== null) e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function short(hex) {
  return hex && hex.length > 16 ? hex.slice(0, 12) + '\u2026' : String(hex);
}

function pct(x) {
  return (100 * x).toFixed(1) + '%';
}

function link(href, text, cls) {
  return el('a', {href: href, class: cls}, text);
}

function hashLink(kind, hash) {
  return link('#/' + kind + '/' + encodeURIComponent(hash), short(hash), 'mono');
}

async function getJson(url) {
  const response = await fetch(url, {headers: {'Accept': 'application/json'}});
  let body = null;
  try { body = await response.json(); } catch (e) { body = {error: 'the server answered ' + response.status}; }
  return {ok: response.ok, status: response.status, body: body};
}

function page(...children) {
  const main = document.getElementById('page');
  main.replaceChildren(...children);
  return main;
}

function notFound(message) {
  page(el('div', {class: 'notfound', id: 'not-found'}, el('h1', {}, 'Not found'), el('p', {}, message),
    el('p', {}, link('#/', 'Back to the fork tree'))));
}

function refused(answer, what) {
  if (answer.status === 404) {
    notFound(answer.body.error || (what + ' is not known to this explorer'));
  } else {
    page(el('div', {class: 'notfound', id: 'not-found'}, el('h1', {}, 'Cannot show ' + what),
      el('p', {class: 'error'}, answer.body.error || ('the server answered ' + answer.status)),
      el('p', {}, link('#/', 'Back to the fork tree'))));
  }
}

function kv(rows) {
  return el('table', {class: 'kv'}, ...rows.filter(r => r).map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, v))));
}

function table(headers, rows, id) {
  return el('table', {id: id}, el('thead', {}, el('tr', {}, ...headers.map(h => el('th', {class: h.num ? 'num' : null}, h.label || h)))),
    el('tbody', {}, ...rows.map(cells => el('tr', {}, ...cells.map((c, i) => el('td', {class: headers[i].num ? 'num' : null}, c))))));
}

// ---------------------------------------------------------------- finality banner

function banner(finality) {
  const b = document.getElementById('finality-banner');
  if (!finality || finality.gadget === 'none') {
    b.className = 'banner none';
    b.textContent = App.info && App.info.kind === 'lobby'
      ? 'The lobby has no finality: each round appends one block.'
      : 'No finality gadget on this chain: a block is final only by the weight built on top of it.';
    return;
  }
  const f = finality.finalized ? finality.finalized.epoch : 0;
  const j = finality.justified ? finality.justified.epoch : 0;
  if (finality.stalled) {
    b.className = 'banner stalled';
    b.textContent = 'finality stalled since epoch ' + finality.stalledSince + ', participation ' + pct(finality.participation) + ' of the stake voting'
      + ' (finalized epoch ' + f + ', head in epoch ' + finality.headEpoch + ')';
  } else {
    b.className = 'banner ok';
    b.textContent = 'finalized epoch ' + f + ' \u00b7 justified epoch ' + j + ' \u00b7 head in epoch ' + finality.headEpoch
      + ' \u00b7 participation ' + pct(finality.participation) + ' of the stake voting';
  }
}

// ---------------------------------------------------------------- live events

function connect() {
  const live = document.getElementById('live');
  const source = new EventSource('/explorer/events');
  source.addEventListener('hello', () => {
    live.className = 'live on';
    live.textContent = 'live';
    // What happened before the events began (or while they were cut) is read again.
    const top = Math.floor(Chain.highest / CHUNK);
    for (const key of Array.from(Chain.loaded)) {
      if (Number(key.split(':')[1]) >= top - 1) Chain.loaded.delete(key);
    }
    loadStatuses(null).then(redraw);
  });
  source.onerror = () => { live.className = 'live off'; live.textContent = 'reconnecting'; };
  source.addEventListener('block', e => {
    const b = JSON.parse(e.data);
    if (Chain.add(b)) {
      Live.arrived.set(b.hash, b.seenMillis);
      if (Live.arrived.size > 2000) Live.arrived.delete(Live.arrived.keys().next().value);
      redraw();
    }
  });
  source.addEventListener('head', e => {
    const h = JSON.parse(e.data);
    Chain.setHead(h.node, {hash: h.hash, height: h.height, slot: h.slot});
    if (h.reorgDepth > 0) {
      App.reorgs.unshift({node: h.node, height: h.height, depth: h.reorgDepth, newHead: h.hash});
      App.reorgs.length = Math.min(App.reorgs.length, 50);
      showReorgs();
    }
    if (h.node === App.node) showHead();
    redraw();
  });
  source.addEventListener('finality', e => {
    const f = JSON.parse(e.data);
    const fin = f.finality;
    if (fin.justified) Chain.checkpoints[f.node].set(fin.justified.hash, Chain.checkpoints[f.node].get(fin.justified.hash) || 'justified');
    if (fin.finalized) Chain.checkpoints[f.node].set(fin.finalized.hash, 'finalized');
    if (App.statuses[f.node]) App.statuses[f.node].finality = fin;
    if (f.node === App.node) banner(fin);
    redraw();
  });
  source.addEventListener('evidence', () => {
    App.evidence++;
    document.getElementById('evidence-count').textContent = String(App.evidence);
    if (location.hash === '#/evidence') route();
  });
}

function redraw() {
  App.trees.forEach(t => t.schedule());
}

async function loadStatuses(boot) {
  const answers = boot ? boot.map(s => ({ok: true, body: s}))
    : await Promise.all(App.info.nodes.map((_, i) => getJson('/explorer/status?node=' + i)));
  answers.forEach((answer, i) => {
    if (!answer.ok) return;
    const s = answer.body;
    App.statuses[i] = s;
    Chain.lowest = s.lowest;
    if (s.highest > Chain.highest) Chain.highest = s.highest;
    Chain.setHead(i, s.head);
    for (const [hash, kind] of Object.entries(s.checkpoints)) Chain.checkpoints[i].set(hash, kind);
    if (i === 0) {
      App.reorgs = s.recentReorgs.slice().reverse().map(r => ({node: 0, height: r.height, depth: r.depth, newHead: r.newHead}));
    }
  });
  const current = App.statuses[App.node];
  banner(current ? current.finality : null);
}

// ---------------------------------------------------------------- pages

function showHead() {
  const line = document.getElementById('head-line');
  if (!line) return;
  const head = Chain.heads[App.node];
  const status = App.statuses[App.node];
  line.replaceChildren('head of ' + App.info.nodes[App.node] + ': block ', String(head.height), ' ',
    hashLink('block', head.hash), ' \u00b7 blocks known: ' + Chain.blocks.size + (status ? ' \u00b7 reorganisations: ' + status.reorgs : ''));
}

function showReorgs() {
  const list = document.getElementById('reorgs');
  if (!list) return;
  list.replaceChildren(...App.reorgs.map(r => el('li', {}, 'node' + r.node + ': reorganisation of ' + r.depth
    + ' block' + (r.depth > 1 ? 's' : '') + ', new head at height ' + r.height + ' ', hashLink('block', r.newHead))));
  if (App.reorgs.length === 0) list.replaceChildren(el('li', {}, 'none seen yet'));
}

function treePage() {
  App.trees = [];
  const follow = el('button', {id: 'follow'}, 'Follow the head');
  const zoomIn = el('button', {}, 'Zoom in');
  const zoomOut = el('button', {}, 'Zoom out');
  const legend = el('span', {class: 'legend'},
    el('span', {}, el('i', {style: 'background:#2f6fb5'}), 'canonical'),
    el('span', {}, el('i', {style: 'background:#f0c9a5'}), 'stale branch'),
    el('span', {}, el('i', {style: 'background:#c9d2dc'}), 'not (yet) on this node\u2019s chain'),
    el('span', {}, el('i', {style: 'border-color:#6a3fb5'}), 'J justified'),
    el('span', {}, el('i', {style: 'border-color:#1f9e4a'}), 'F finalized'));
  const toolbar = el('div', {class: 'tree-toolbar'}, follow, zoomIn, zoomOut, legend,
    el('span', {}, 'drag to pan, wheel to zoom, click a block to open it'));
  const panels = [];
  const nodes = App.all ? App.info.nodes.map((_, i) => i) : [App.node];
  for (const i of nodes) {
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('class', 'tree');
    svg.setAttribute('data-node', i);
    svg.setAttribute('id', 'tree-' + i);
    panels.push(el('div', {class: 'tree-panel'}, el('h3', {}, 'view of ' + App.info.nodes[i]), svg));
    App.trees.push(new ForkTree(svg, i, hash => { location.hash = '#/block/' + hash; }));
  }
  follow.onclick = () => { App.trees.forEach(t => { t.follow = true; }); redraw(); };
  zoomIn.onclick = () => { App.trees.forEach(t => { t.px = Math.min(80, t.px * 1.25); }); redraw(); };
  zoomOut.onclick = () => { App.trees.forEach(t => { t.px = Math.max(4, t.px * 0.8); }); redraw(); };
  page(el('h1', {}, 'Fork tree'), el('p', {id: 'head-line'}), toolbar, ...panels,
    el('h2', {}, 'Reorganisations'), el('ul', {id: 'reorgs', class: 'reorgs'}));
  showHead();
  showReorgs();
  redraw();
}

function nodeParam() {
  return '?node=' + App.node;
}

async function blockPage(hash) {
  const answer = await getJson('/explorer/block/' + encodeURIComponent(hash) + nodeParam());
  if (!answer.ok) return refused(answer, 'block ' + hash);
  const d = answer.body;
  const b = d.block;
  const txs = d.transactions || [];
  page(el('h1', {}, 'Block ' + b.height),
    kv([
      ['hash', el('span', {class: 'mono', id: 'block-hash'}, b.hash)],
      ['parent', b.height > 0 ? hashLink('block', b.parent) : 'none (genesis)'],
      ['height', String(b.height)],
      ['slot', String(b.slot)],
      ['proposer', b.proposer ? hashLink('account', b.proposer) : '\u2014'],
      b.note ? ['note', b.note] : null,
      ['on the chain of ' + App.info.nodes[App.node], d.canonical ? 'yes (canonical)' : 'no (a stale or competing branch)'],
      d.checkpoint ? ['checkpoint', d.checkpoint] : null,
      d.engine ? ['engine', d.engine] : null,
      d.stateRoot ? ['state root', el('span', {class: 'mono'}, d.stateRoot)] : null,
      ['transactions', String(b.transactions)]
    ]),
    el('h2', {}, 'Transactions'),
    txs.length === 0 ? el('p', {}, 'none') : table(['hash', 'kind', 'from', 'to', {label: 'amount', num: true}, {label: 'fee', num: true}, {label: 'nonce', num: true}],
      txs.map(t => [hashLink('tx', t.hash), t.kind, hashLink('account', t.from), hashLink('account', t.to), String(t.amount), String(t.fee), String(t.nonce)]), 'transactions'));
}

async function txPage(hash) {
  const answer = await getJson('/explorer/tx/' + encodeURIComponent(hash) + nodeParam());
  if (!answer.ok) return refused(answer, 'transaction ' + hash);
  const t = answer.body.transaction;
  page(el('h1', {}, 'Transaction'), kv([
    ['hash', el('span', {class: 'mono'}, t.hash)],
    ['in block', el('span', {}, String(answer.body.height) + ' ', hashLink('block', answer.body.block))],
    ['kind', t.kind], ['from', hashLink('account', t.from)], ['to', hashLink('account', t.to)],
    ['amount', String(t.amount)], ['fee', String(t.fee)], ['nonce', String(t.nonce)], ['chain', t.chainId]
  ]));
}

async function accountPage(address) {
  const answer = await getJson('/explorer/account/' + encodeURIComponent(address) + nodeParam());
  if (!answer.ok) return refused(answer, 'account ' + address);
  const a = answer.body.account;
  if (App.info.kind === 'lobby') {
    return page(el('h1', {}, 'Validator'), kv([['address', el('span', {class: 'mono'}, a.address)], ['stake', String(a.stake)],
      ['rounds entered', String(a.rounds)], ['rounds won', String(a.won)], ['expected wins', a.expected.toFixed(1)],
      ['fairness', a.fairness.verdict]]));
  }
  page(el('h1', {}, 'Account'), kv([
    ['address', el('span', {class: 'mono', id: 'account-address'}, a.address)],
    ['balance', String(a.balance)], ['stake', String(a.stake)], ['nonce', String(a.nonce)],
    ['slashed', a.slashed ? 'yes: its stake was cut for a proven offence' : 'no'],
    ['unbonding', a.unbonding > 0 ? a.unbonding + ' tokens, released at height ' + a.unbondingUntil + ' (in '
      + answer.body.unbondingReleasedIn + ' blocks)' : 'nothing'],
    ['blocks proposed on this chain', String(answer.body.proposed)]
  ]));
}

function votesCell(votes) {
  if (!votes) return el('span', {title: 'no finality gadget, or not in the validator registry'}, '\u2014');
  const mark = counted => counted ? '\u2713' : '\u00b7';
  return el('span', {title: 'vote counted for the previous and the current epoch; weight ' + votes.weight
    + ', inactivity score ' + votes.inactivityScore}, mark(votes.previousEpoch) + ' ' + mark(votes.currentEpoch));
}

async function validatorsPage() {
  const answer = await getJson('/explorer/validators' + nodeParam());
  if (!answer.ok) return refused(answer, 'the validators');
  const d = answer.body;
  const lobby = App.info.kind === 'lobby';
  const rows = d.validators.map(v => {
    const f = v.fairness;
    const verdict = el('span', {class: 'fair-' + f.verdict.replace(/ /g, '-'), title: 'z = ' + f.z.toFixed(2)}, f.verdict);
    return lobby
      ? [hashLink('account', v.address), String(v.stake), String(v.rounds), String(v.won), f.expected.toFixed(1), verdict]
      : [hashLink('account', v.address), String(v.stake), pct(v.share), String(v.proposals), f.expected.toFixed(1), verdict,
        votesCell(v.votes), v.slashed ? 'slashed' : '',
        v.unbonding > 0 ? v.unbonding + ' until ' + v.unbondingUntil : ''];
  });
  const headers = lobby
    ? ['address', {label: 'stake', num: true}, {label: 'rounds entered', num: true}, {label: 'won', num: true}, {label: 'expected', num: true}, 'fairness']
    : ['address', {label: 'stake', num: true}, {label: 'share', num: true}, {label: 'proposals won', num: true}, {label: 'expected', num: true},
      'fairness', 'votes', 'slashed', 'unbonding'];
  const chart = el('div', {class: 'chart', id: 'fairness-chart'});
  page(el('h1', {}, 'Validators'),
    el('p', {}, lobby ? 'Over ' + d.rounds + ' rounds, each won with probability stake / stake of that round\u2019s proposers.'
      : 'Over the ' + d.blocks + ' blocks of this node\u2019s chain; expected by ' + d.expectedBy
      + '. Fairness compares wins with the expectation (within 2 standard deviations: as expected).'),
    table(headers, rows, 'validators'), chart);
  drawFairness(chart, d.validators.map(v => v.fairness));
}

function drawFairness(target, fairness) {
  if (typeof uPlot === 'undefined' || fairness.length === 0) return;
  const xs = fairness.map((_, i) => i + 1);
  const bars = uPlot.paths.bars({size: [0.4, 40]});
  new uPlot({
    title: 'proposals won (bars) and expected (line), by validator', width: Math.min(900, 120 + 60 * xs.length), height: 220,
    scales: {x: {time: false, range: [0.5, xs.length + 0.5]}},
    axes: [{label: 'validator (table order)'}, {label: 'blocks'}],
    series: [{}, {label: 'won', fill: 'rgba(47,111,181,0.6)', stroke: '#2f6fb5', paths: bars, points: {show: false}},
      {label: 'expected', stroke: '#1f9e4a', width: 2}]
  }, [xs, fairness.map(f => f.won), fairness.map(f => f.expected)], target);
}

async function evidencePage() {
  const answer = await getJson('/explorer/evidence');
  if (!answer.ok) return refused(answer, 'the slashing evidence');
  const list = answer.body;
  page(el('h1', {}, 'Slashing evidence'),
    el('p', {}, 'Offences the nodes have seen, as they report them; a node with a validator key sends the evidence in a slash transaction.'),
    list.length === 0 ? el('p', {id: 'no-evidence'}, 'No offence seen.')
      : table(['seen by', 'offender', 'offence', 'when'], list.slice().reverse().map(e => [App.info.nodes[e.node] || 'node' + e.node,
        hashLink('account', e.offender), e.offence, new Date(e.millis).toLocaleTimeString()]), 'evidence'));
}

async function networkPage() {
  const answer = await getJson('/explorer/status' + nodeParam());
  if (!answer.ok) return refused(answer, 'the peers');
  const n = answer.body.network;
  page(el('h1', {}, 'Peers and sync'), kv([
    ['network', n.kind], ['peers connected', String(n.connected)],
    ['highest head a peer showed', String(n.highestPeerHeight)],
    ['syncing', n.syncing ? 'yes: catching up with its peers' : 'no']
  ]), el('h2', {}, 'Peers'), n.peers.length === 0 ? el('p', {}, 'none listed') :
    table(['id', 'address', 'direction', 'connected since'], n.peers.map(p => [p.id, p.address, p.direction, p.connectedSince]), 'peers'));
}

function route() {
  const hash = location.hash || '#/';
  App.trees = [];
  const match = /^#\/(block|tx|account)\/(.+)$/.exec(hash);
  if (hash === '#/' || hash === '#' || hash === '#/tree') return treePage();
  if (match) {
    const id = decodeURIComponent(match[2]);
    if (match[1] === 'block') return blockPage(id);
    if (match[1] === 'tx') return txPage(id);
    return accountPage(id);
  }
  if (hash === '#/validators') return validatorsPage();
  if (hash === '#/evidence') return evidencePage();
  if (hash === '#/network') return networkPage();
  notFound('There is no page ' + decodeURIComponent(hash.slice(1)) + ' in this explorer.');
}

async function start() {
  const bootText = document.getElementById('boot').textContent;
  const boot = bootText ? JSON.parse(bootText) : null;
  App.info = boot ? boot.info : (await getJson('/explorer/info')).body;
  Chain.init(App.info.nodes.length);
  document.getElementById('chain-info').textContent = App.info.kind + ' \u00b7 chain ' + App.info.chainId + ' \u00b7 engine '
    + App.info.engine + ' \u00b7 finality ' + App.info.finality;
  const select = document.getElementById('node-select');
  App.info.nodes.forEach((name, i) => select.append(el('option', {value: String(i)}, name)));
  if (App.info.nodes.length > 1) select.append(el('option', {value: 'all'}, 'all, side by side'));
  else document.getElementById('node-picker').style.display = 'none';
  select.onchange = () => {
    App.all = select.value === 'all';
    App.node = App.all ? 0 : Number(select.value);
    banner(App.statuses[App.node] ? App.statuses[App.node].finality : null);
    route();
  };
  await loadStatuses(boot ? boot.statuses : null);
  if (boot) mergeTree(0, boot.tree);
  window.addEventListener('hashchange', route);
  connect();
  route();
}

start();
