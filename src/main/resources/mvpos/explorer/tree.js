'use strict';
/*
 * The fork tree: every block the page knows, drawn as an SVG of the heights in view only (a chain of
 * 10,000 blocks costs what a screen of it costs). Heights run left to right; a node's canonical chain
 * is lane 0, other branches take the lanes below. Blocks arrive from the server in chunks of heights
 * as they come into view, and live, one by one, from its events.
 */

/** Text made safe for HTML and SVG, as content or in a quoted attribute. */
function esc(text) {
  return String(text).replace(/[&<>"']/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c]));
}

const Chain = {
  blocks: new Map(),     // hash -> block summary
  byHeight: new Map(),   // height -> [hash]
  canon: [],             // per node: Map height -> hash of its canonical chain
  heads: [],             // per node: {hash, height, slot}
  checkpoints: [],       // per node: Map hash -> 'justified' | 'finalized'
  loaded: new Set(),     // 'node:chunk' already fetched
  lowest: 0,
  highest: 0,

  init(nodes) {
    for (let i = 0; i < nodes; i++) {
      this.canon.push(new Map());
      this.heads.push({hash: '', height: 0, slot: 0});
      this.checkpoints.push(new Map());
    }
  },

  /** Adds a block summary; says whether it is new. */
  add(b) {
    if (this.blocks.has(b.hash)) return false;
    this.blocks.set(b.hash, b);
    let at = this.byHeight.get(b.height);
    if (!at) { at = []; this.byHeight.set(b.height, at); }
    at.push(b.hash);
    if (b.height > this.highest) this.highest = b.height;
    return true;
  },

  /** A node's new head: its canonical chain follows the head's ancestors as far as the page knows them. */
  setHead(node, head) {
    const canon = this.canon[node];
    const old = this.heads[node];
    for (let h = head.height + 1; h <= old.height; h++) canon.delete(h);
    this.heads[node] = head;
    let hash = head.hash;
    let height = head.height;
    while (height >= 0 && canon.get(height) !== hash) {
      canon.set(height, hash);
      const b = this.blocks.get(hash);
      if (!b) break;
      hash = b.parent;
      height = b.height - 1;
    }
  }
};

const CHUNK = 256;

/** Takes in a tree answer of the server: its blocks, a node's canonical chain and checkpoints over its heights. */
function mergeTree(node, tree) {
  tree.blocks.forEach(b => Chain.add(b));
  const canon = Chain.canon[node];
  for (const [h, hash] of Object.entries(tree.canonical)) {
    if (Number(h) <= Chain.heads[node].height || !Chain.heads[node].hash) canon.set(Number(h), hash);
  }
  for (const [hash, kind] of Object.entries(tree.checkpoints)) Chain.checkpoints[node].set(hash, kind);
  for (let c = Math.floor(tree.from / CHUNK); (c + 1) * CHUNK - 1 <= tree.to; c++) Chain.loaded.add(node + ':' + c);
}

/** Fetches the chunks of heights from..to that a node's view has not loaded yet. */
async function ensureLoaded(node, from, to) {
  const wanted = [];
  for (let c = Math.floor(Math.max(0, from) / CHUNK); c <= Math.floor(Math.max(0, to) / CHUNK); c++) {
    const key = node + ':' + c;
    if (!Chain.loaded.has(key)) { Chain.loaded.add(key); wanted.push(c); }
  }
  const answers = await Promise.all(wanted.map(async c => {
    const response = await fetch('/explorer/tree?node=' + node + '&from=' + (c * CHUNK) + '&to=' + (c * CHUNK + CHUNK - 1));
    if (!response.ok) { Chain.loaded.delete(node + ':' + c); return null; }
    return response.json();
  }));
  let added = false;
  for (const tree of answers) {
    if (tree) { mergeTree(node, tree); added = true; }
  }
  return added;
}

const LANE_HEIGHT = 34;
const BLOCK_HEIGHT = 22;

class ForkTree {
  constructor(svg, node, onOpen) {
    this.svg = svg;
    this.node = node;
    this.onOpen = onOpen;
    this.px = 30;             // pixels per height (the zoom)
    this.follow = true;       // keep the head at the right edge
    this.viewTo = 0;          // the rightmost height when not following
    this.lanes = new Map();   // hash -> lane, kept so that branches do not jump while panning
    this.scheduled = false;
    this.drawnOnce = false;
    this.listen();
  }

  range() {
    const width = this.svg.clientWidth || 800;
    const count = Math.max(1, Math.floor(width / this.px));
    const to = this.follow ? Math.max(Chain.highest, Chain.heads[this.node].height) : Math.round(this.viewTo);
    return {from: to - count + 1, to: to, width: width};
  }

  /** Draws on the next frame (many events in one frame cost one drawing). */
  schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => { this.scheduled = false; this.draw(); });
  }

  laneOf(hash, canon, used) {
    const b = Chain.blocks.get(hash);
    if (canon.get(b.height) === hash) return 0;
    let lane = this.lanes.get(b.parent);
    if (!(lane > 0) || used.has(lane)) {
      lane = this.lanes.get(hash);
      if (!(lane > 0) || used.has(lane)) { lane = 1; while (used.has(lane)) lane++; }
    }
    return lane;
  }

  draw() {
    const {from, to, width} = this.range();
    ensureLoaded(this.node, from, to).then(added => { if (added) this.schedule(); });
    const canon = Chain.canon[this.node];
    const marks = Chain.checkpoints[this.node];
    const head = Chain.heads[this.node];
    const x = h => (h - from) * this.px + this.px / 2;
    const y = lane => 14 + lane * LANE_HEIGHT + BLOCK_HEIGHT / 2;
    const w = Math.max(3, Math.min(this.px - 6, 64));
    const edges = [];
    const nodes = [];
    let maxLane = 0;
    for (let h = from; h <= to; h++) {
      const hashes = Chain.byHeight.get(h);
      if (!hashes) continue;
      const used = new Set();
      const sorted = hashes.slice().sort((a, b) => (canon.get(h) === a ? -1 : canon.get(h) === b ? 1 : 0));
      for (const hash of sorted) {
        const b = Chain.blocks.get(hash);
        const lane = this.laneOf(hash, canon, used);
        used.add(lane);
        this.lanes.set(hash, lane);
        maxLane = Math.max(maxLane, lane);
        const onChain = canon.get(h) === hash;
        const parentLane = this.lanes.get(b.parent);
        if (parentLane !== undefined && h > from) {
          edges.push('<line class="edge' + (onChain ? ' canonical' : '') + '" x1="' + (x(h - 1) + w / 2) + '" y1="' + y(parentLane)
            + '" x2="' + (x(h) - w / 2) + '" y2="' + y(lane) + '"/>');
        }
        const mark = marks.get(hash);
        const kind = onChain ? 'canonical' : (h <= head.height && canon.has(h) ? 'stale' : 'other');
        const title = 'block ' + b.height + ' ' + b.hash + '\nslot ' + b.slot + ', proposer ' + b.proposer
          + (b.note ? '\n' + b.note : '') + '\n' + b.transactions + ' transactions'
          + (mark ? '\n' + mark + ' checkpoint' : '') + (onChain ? '\non the chain of ' : '\nnot on the chain of ') + 'this node';
        nodes.push('<g class="block ' + kind + (mark ? ' ' + mark : '') + '" data-hash="' + esc(hash) + '" data-height="' + b.height
          + '" transform="translate(' + (x(h) - w / 2) + ',' + (y(lane) - BLOCK_HEIGHT / 2) + ')"><title>' + esc(title) + '</title>'
          + '<rect width="' + w + '" height="' + BLOCK_HEIGHT + '" rx="3"/>'
          + (this.px >= 26 ? '<text x="3" y="15">' + esc(b.height) + '</text>' : '')
          + (mark ? '<text class="mark" x="0" y="-3">' + (mark === 'finalized' ? 'F' : 'J') + '</text>' : '') + '</g>');
      }
    }
    const height = Math.max(120, 30 + (maxLane + 1) * LANE_HEIGHT);
    this.svg.setAttribute('height', height);
    this.svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
    this.svg.innerHTML = edges.join('') + nodes.join('');
    if (nodes.length > 0 && !this.drawnOnce) {
      this.drawnOnce = true;
      performance.mark('mvpos-tree-drawn');
      window.mvposFirstTreeMs = performance.now();
    }
    Live.drawn(from, to);
  }

  listen() {
    const svg = this.svg;
    svg.addEventListener('click', e => {
      const g = e.target.closest('.block');
      if (g && !this.dragged) this.onOpen(g.getAttribute('data-hash'));
    });
    svg.addEventListener('wheel', e => {
      e.preventDefault();
      const {from} = this.range();
      const rect = svg.getBoundingClientRect();
      const anchor = from + (e.clientX - rect.left) / this.px;
      const before = this.px;
      this.px = Math.min(80, Math.max(4, this.px * (e.deltaY < 0 ? 1.25 : 0.8)));
      if (this.px !== before) {
        const count = Math.floor((svg.clientWidth || 800) / this.px);
        const newFrom = anchor - (e.clientX - rect.left) / this.px;
        this.viewTo = Math.min(Chain.highest, newFrom + count - 1);
        this.follow = this.follow && this.viewTo >= Chain.highest;
        this.schedule();
      }
    }, {passive: false});
    let start = null;
    svg.addEventListener('pointerdown', e => {
      start = {x: e.clientX, viewTo: this.range().to};
      this.dragged = false;
    });
    window.addEventListener('pointermove', e => {
      if (!start) return;
      const dx = e.clientX - start.x;
      if (Math.abs(dx) > 3) { this.dragged = true; svg.classList.add('dragging'); }
      if (this.dragged) {
        this.follow = false;
        this.viewTo = Math.min(Chain.highest, Math.max(Chain.lowest, start.viewTo - dx / this.px));
        this.schedule();
      }
    });
    window.addEventListener('pointerup', () => {
      start = null;
      svg.classList.remove('dragging');
      setTimeout(() => { this.dragged = false; }, 0);
    });
  }
}

/** How long live blocks took from the server seeing them to being drawn (read by `mvpos bench explorer`). */
const Live = {
  arrived: new Map(),   // hash -> the server's seenMillis, for blocks that came by event
  latencies: [],
  drawn(from, to) {
    if (this.arrived.size === 0) return;
    requestAnimationFrame(() => {
      const now = Date.now();
      for (const [hash, seen] of this.arrived) {
        const b = Chain.blocks.get(hash);
        if (b && b.height >= from && b.height <= to) {
          this.latencies.push(now - seen);
          this.arrived.delete(hash);
        }
      }
      if (this.latencies.length > 10000) this.latencies.splice(0, 5000);
      window.mvposLatencies = this.latencies;
    });
  }
};
