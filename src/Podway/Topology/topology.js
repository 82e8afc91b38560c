'use strict';
// podway topology: one namespace as a graph, kept current by watches (no reload). Reads the API with the credentials
// of whoever serves the page (kubectl proxy), polls the nodes' flow logs, and runs `podway trace` on a click.

const COLUMNS = ['Ingress / Gateway', 'Routes', 'Services', 'EndpointSlices', 'Pods', 'ReplicaSets', 'Deployments', 'NetworkPolicies'];
const COL_W = 160, NODE_W = 142, NODE_H = 32, ROW_H = 42, TOP = 40;
const FLOW_WINDOW_MS = 120000;

const state = { ns: null, objects: {}, flows: [], stop: null, renders: 0 };
window.topology = { nodes: [], edges: [], renders: 0, namespace: null };

const sleep = ms => new Promise(r => setTimeout(r, ms));
const esc = s => String(s).replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);
const items = kind => [...(state.objects[kind] || new Map()).values()];
const setStatus = text => { document.getElementById('status').textContent = text; };

// --- reading the cluster -------------------------------------------------------------------------------------------

// Every kind's watch in one stream (a browser keeps at most six connections to a host over HTTP/1.1).
async function watchAll(ns, signal) {
  while (!signal.aborted) {
    try {
      const r = await fetch(`watch?namespace=${encodeURIComponent(ns)}`, { signal });
      if (!r.ok) throw new Error(`watch: ${r.status} ${await r.text()}`);
      setStatus('live');
      await readLines(r.body, line => {
        const ev = JSON.parse(line);
        if (ev.type === 'RESET') { state.objects[ev.kind] = new Map(); changed(); return; }
        const objects = state.objects[ev.kind] || (state.objects[ev.kind] = new Map());
        if (ev.type === 'DELETED') objects.delete(ev.object.metadata.name); else objects.set(ev.object.metadata.name, ev.object);
        changed();
      });
      throw new Error('watch ended');
    } catch (e) {
      if (signal.aborted) return;
      setStatus(`reconnecting (${e.message})`);
      await sleep(1000);
    }
  }
}

async function readLines(stream, onLine) {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (line) onLine(line);
    }
  }
}

// Each node's flow log (podway flows), through the API server's node proxy, once a second.
async function pollFlows(ns, signal) {
  const cursors = {};
  const mine = name => name && name.startsWith(ns + '/');
  while (!signal.aborted) {
    try {
      const nodes = await (await fetch('/api/v1/nodes', { signal })).json();
      for (const node of nodes.items || []) {
        const name = node.metadata.name;
        const r = await fetch(`/api/v1/nodes/${name}/proxy/flows?since=${cursors[name] || 0}`, { signal });
        if (!r.ok) continue;
        const page = await r.json();
        cursors[name] = page.last;
        for (const f of page.flows || [])
          if (!f.dnsQuery && (mine(f.sourcePod) || mine(f.destinationPod) || mine(f.service))) state.flows.push(f);
      }
      const cutoff = Date.now() - FLOW_WINDOW_MS;
      state.flows = state.flows.filter(f => Date.parse(f.time) > cutoff).slice(-500);
      changed();
    } catch (e) {
      if (signal.aborted) return;
    }
    await sleep(1000);
  }
}

// --- the graph -----------------------------------------------------------------------------------------------------

function matches(selector, labels) {
  if (!selector) return false;
  labels = labels || {};
  for (const [k, v] of Object.entries(selector.matchLabels || {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions || []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    if (e.operator === 'In' && !(has && e.values.includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && e.values.includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

const owner = (o, kind) => (o.metadata.ownerReferences || []).find(r => r.kind === kind && r.controller !== false);
const isReady = pod => (pod.status?.conditions || []).some(c => c.type === 'Ready' && c.status === 'True');

function buildModel(ns) {
  const nodes = [], edges = [], byId = new Map();
  const add = (kind, name, col, cls, extra = {}) => {
    const n = { id: `${kind}/${name}`, kind, name, col, cls, ...extra };
    nodes.push(n);
    byId.set(n.id, n);
    return n;
  };
  const link = (from, to, cls = '', title = '', extra = {}) => edges.push({ from, to, cls, title, ...extra });

  for (const ing of items('Ingress')) {
    const host = (ing.spec.rules || []).find(r => r.host)?.host;
    const path = (ing.spec.rules || []).flatMap(r => r.http?.paths || [])[0]?.path || '/';
    const tls = (ing.spec.tls || []).some(t => (t.hosts || []).includes(host));
    const address = ing.status?.loadBalancer?.ingress?.[0]?.ip;
    add('Ingress', ing.metadata.name, 0, 'clickable', {
      detail: host || address || ing.spec.ingressClassName || '',
      trace: (host || address) && { from: 'host', to: `${tls ? 'https' : 'http'}://${host || address}${path}` },
    });
    const backends = [ing.spec.defaultBackend, ...(ing.spec.rules || []).flatMap(r => (r.http?.paths || []).map(p => p.backend))];
    for (const b of backends) if (b?.service?.name) link(`Ingress/${ing.metadata.name}`, `Service/${b.service.name}`);
  }
  for (const gw of items('Gateway')) {
    const listener = (gw.spec.listeners || [])[0];
    const address = gw.status?.addresses?.[0]?.value;
    add('Gateway', gw.metadata.name, 0, 'clickable', {
      detail: gw.spec.gatewayClassName,
      trace: (listener?.hostname || address) && { from: 'host', to: `${listener?.protocol === 'HTTPS' ? 'https' : 'http'}://${(listener?.hostname || address).replace('*.', 'www.')}/` },
    });
  }
  for (const rt of items('HTTPRoute')) {
    add('HTTPRoute', rt.metadata.name, 1, '', { detail: (rt.spec.hostnames || []).join(', ') });
    for (const p of rt.spec.parentRefs || [])
      if ((p.kind || 'Gateway') === 'Gateway' && (!p.namespace || p.namespace === ns)) link(`Gateway/${p.name}`, `HTTPRoute/${rt.metadata.name}`);
    for (const r of rt.spec.rules || [])
      for (const b of r.backendRefs || [])
        if ((b.kind || 'Service') === 'Service' && (!b.namespace || b.namespace === ns))
          link(`HTTPRoute/${rt.metadata.name}`, `Service/${b.name}`, '', b.weight != null ? `weight ${b.weight}` : '');
  }
  for (const svc of items('Service')) {
    const port = (svc.spec.ports || [])[0];
    add('Service', svc.metadata.name, 2, 'clickable', {
      detail: `${svc.spec.type || 'ClusterIP'} ${svc.spec.clusterIP || ''}`,
      trace: port && { from: 'host', to: `svc/${svc.metadata.name}:${port.name || port.port}` },
    });
  }
  for (const slice of items('EndpointSlice')) {
    const svc = slice.metadata.labels?.['kubernetes.io/service-name'];
    const endpoints = slice.endpoints || [];
    const ready = endpoints.filter(e => e.conditions?.ready !== false).length;
    add('EndpointSlice', slice.metadata.name, 3, '', { detail: `${ready}/${endpoints.length} ready` });
    if (svc) link(`Service/${svc}`, `EndpointSlice/${slice.metadata.name}`);
    for (const e of endpoints)
      if (e.targetRef?.kind === 'Pod')
        link(`EndpointSlice/${slice.metadata.name}`, `Pod/${e.targetRef.name}`, e.conditions?.ready === false ? 'unready' : '', e.addresses?.join(', '));
  }
  const pods = items('Pod');
  for (const pod of pods) {
    const cls = pod.metadata.deletionTimestamp ? 'terminating' : isReady(pod) ? 'ready' : 'unready';
    add('Pod', pod.metadata.name, 4, cls, { detail: `${pod.status?.podIP || ''} ${pod.status?.phase || ''}`, ready: cls === 'ready' });
    const rs = owner(pod, 'ReplicaSet');
    if (rs) link(`ReplicaSet/${rs.name}`, `Pod/${pod.metadata.name}`);
  }
  for (const rs of items('ReplicaSet')) {
    const has = pods.some(p => owner(p, 'ReplicaSet')?.name === rs.metadata.name);
    if (!has && !rs.spec.replicas) continue; // old revisions scaled to zero
    add('ReplicaSet', rs.metadata.name, 5, '', { detail: `${rs.status?.readyReplicas || 0}/${rs.spec.replicas} ready` });
    const d = owner(rs, 'Deployment');
    if (d) link(`Deployment/${d.name}`, `ReplicaSet/${rs.metadata.name}`);
  }
  for (const d of items('Deployment'))
    add('Deployment', d.metadata.name, 6, '', { detail: `${d.status?.readyReplicas || 0}/${d.spec.replicas} ready` });
  for (const np of items('NetworkPolicy')) {
    const types = np.spec.policyTypes || ['Ingress'];
    add('NetworkPolicy', np.metadata.name, 7, '', { detail: `isolates ${types.join('+').toLowerCase()}` });
    for (const pod of pods) if (matches(np.spec.podSelector, pod.metadata.labels))
      link(`NetworkPolicy/${np.metadata.name}`, `Pod/${pod.metadata.name}`, 'selects', `${np.metadata.name} selects ${pod.metadata.name}`);
    for (const rule of np.spec.ingress || [])
      for (const peer of rule.from || [])
        if (peer.podSelector && !peer.namespaceSelector)
          for (const pod of pods) if (matches(peer.podSelector, pod.metadata.labels))
            link(`NetworkPolicy/${np.metadata.name}`, `Pod/${pod.metadata.name}`, 'allows', `${np.metadata.name} allows ingress from ${pod.metadata.name}`);
  }

  // Recent flows between things on the page, one edge per (source, destination, verdict).
  const flows = new Map();
  for (const f of state.flows) {
    const from = f.sourcePod && `Pod/${f.sourcePod.split('/')[1]}`;
    const to = f.service ? `Service/${f.service.split('/')[1].split(':')[0]}` : f.destinationPod && `Pod/${f.destinationPod.split('/')[1]}`;
    if (!from || !to || !byId.has(from) || !byId.has(to)) continue;
    const key = `${from} ${to} ${f.verdict}`;
    const seen = flows.get(key) || { from, to, verdict: f.verdict, count: 0, last: f };
    seen.count++;
    seen.last = f;
    flows.set(key, seen);
  }
  for (const f of flows.values()) {
    const port = f.last.destinationPort;
    const to = f.last.service ? `svc/${f.last.service.split('/')[1]}` : `pod/${f.last.destinationPod.split('/')[1]}:${port}`;
    link(f.from, f.to, `flow ${f.verdict}`, `${f.count} ${f.verdict}${f.last.reason ? ': ' + f.last.reason : ''}`,
      { trace: { from: `pod/${f.from.split('/')[1]}`, to } });
  }
  return { nodes, edges: edges.filter(e => byId.has(e.from) && byId.has(e.to)), byId };
}

// --- drawing -------------------------------------------------------------------------------------------------------

function render() {
  const model = buildModel(state.ns);
  const rows = new Array(COLUMNS.length).fill(0);
  for (const n of model.nodes.sort((a, b) => a.col - b.col || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name))) {
    n.x = 20 + n.col * COL_W;
    n.y = TOP + rows[n.col]++ * ROW_H;
  }
  const height = TOP + Math.max(1, ...rows) * ROW_H + 20;
  const svg = document.getElementById('graph');
  const width = 20 + COLUMNS.length * COL_W;
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('width', width);
  svg.setAttribute('height', height);
  const parts = COLUMNS.map((c, i) => `<text class="column" x="${20 + i * COL_W}" y="20">${esc(c)}</text>`);
  model.edges.forEach((e, i) => {
    const a = model.byId.get(e.from), b = model.byId.get(e.to);
    parts.push(`<path class="edge ${e.cls}" data-edge="${i}" d="${curve(a, b)}"><title>${esc(e.title || `${e.from} → ${e.to}`)}</title></path>`);
  });
  for (const n of model.nodes) {
    parts.push(`<g class="node ${n.kind} ${n.cls}" data-id="${esc(n.id)}" data-kind="${n.kind}" data-name="${esc(n.name)}" transform="translate(${n.x},${n.y})">` +
      `<rect width="${NODE_W}" height="${NODE_H}"></rect>` +
      `<text class="kind" x="6" y="11">${esc(n.kind)}</text>` +
      `<text x="6" y="25">${esc(short(n.name, 22))}</text><title>${esc(`${n.kind} ${n.name}\n${n.detail || ''}`)}</title></g>`);
  }
  svg.innerHTML = parts.join('');
  svg.onclick = ev => {
    const edge = ev.target.closest('[data-edge]');
    const node = ev.target.closest('[data-id]');
    const trace = edge ? model.edges[+edge.dataset.edge].trace : node && model.byId.get(node.dataset.id).trace;
    if (trace) runTrace(trace);
  };
  state.renders++;
  window.topology = {
    namespace: state.ns, renders: state.renders,
    nodes: model.nodes.map(({ id, kind, name, cls, detail }) => ({ id, kind, name, cls, detail })),
    edges: model.edges.map(({ from, to, cls, title }) => ({ from, to, cls, title })),
  };
}

function curve(a, b) {
  if (a.col === b.col) { // an arc on the right, for flows between Pods
    const x = a.x + NODE_W, bulge = 40 + Math.abs(a.y - b.y) / 4;
    return `M${x},${a.y + NODE_H / 2} C${x + bulge},${a.y + NODE_H / 2} ${x + bulge},${b.y + NODE_H / 2} ${x},${b.y + NODE_H / 2}`;
  }
  const [l, r] = a.col < b.col ? [a, b] : [b, a];
  const x1 = l.x + NODE_W, y1 = l.y + NODE_H / 2, x2 = r.x, y2 = r.y + NODE_H / 2, mid = (x1 + x2) / 2;
  return `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`;
}

const short = (s, n) => (s.length > n ? s.slice(0, n - 1) + '…' : s);

let pending = false;
function changed() {
  if (pending) return;
  pending = true;
  setTimeout(() => { pending = false; render(); }, 100);
}

// --- trace ---------------------------------------------------------------------------------------------------------

async function runTrace(t) {
  const panel = document.getElementById('panel');
  const command = `podway trace -n ${state.ns} ${t.from} ${t.to}`;
  panel.innerHTML = `<h3>${esc(command)}</h3><p>tracing…</p>`;
  const r = await fetch(`/podway/trace?namespace=${encodeURIComponent(state.ns)}&from=${encodeURIComponent(t.from)}&to=${encodeURIComponent(t.to)}`);
  if (!r.ok) {
    panel.innerHTML = `<h3>${esc(command)}</h3><p>The cluster could not trace it (${r.status}): ${esc(await r.text())}</p>`;
    return;
  }
  const report = await r.json();
  const lines = (report.layers || []).map(l => {
    const ok = /^(ok|pass|passed|true)$/i.test(String(l.status)) || l.ok === true;
    const skipped = /skip/i.test(String(l.status));
    return `<li class="${ok ? 'ok' : skipped ? 'skip' : 'fail'}">${ok ? '✓' : skipped ? '·' : '✗'} <b>${esc(l.layer)}</b> ${esc(l.saw || '')}` +
      (l.fix ? `<br><i>fix: ${esc(l.fix)}</i>` : '') + '</li>';
  });
  panel.innerHTML = `<h3>${esc(command)}</h3><ul class="trace">${lines.join('')}</ul>`;
}

// --- namespace choice ----------------------------------------------------------------------------------------------

function start(ns) {
  if (state.stop) state.stop.abort();
  state.ns = ns;
  state.objects = {};
  state.flows = [];
  const stop = state.stop = new AbortController();
  history.replaceState(null, '', `?namespace=${encodeURIComponent(ns)}`);
  watchAll(ns, stop.signal);
  pollFlows(ns, stop.signal);
  changed();
}

async function main() {
  const select = document.getElementById('namespace');
  const wanted = new URLSearchParams(location.search).get('namespace') || 'default';
  try {
    const list = await (await fetch('/api/v1/namespaces')).json();
    for (const name of (list.items || []).map(n => n.metadata.name)) select.add(new Option(name, name, false, name === wanted));
  } catch (e) {
    setStatus(`cannot list namespaces: ${e.message}`);
  }
  if (![...select.options].some(o => o.value === wanted)) select.add(new Option(wanted, wanted, true, true));
  select.onchange = () => start(select.value);
  start(wanted);
}

main();
