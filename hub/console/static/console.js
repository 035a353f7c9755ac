// The console page: one Server-Sent Events stream (/api/events: a snapshot, then changes), a
// command form (POST /api/commands), the gateway panel polled from /api/gateway, uPlot charts.
// Every value from a device or the hub is put in the page as text (textContent), never as HTML.
const $ = (id) => document.getElementById(id);
const MAX_ROWS = 50;
const MAX_POINTS = 720;
const devices = new Map();
const commands = new Map();
const charts = new Map();

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') node.className = v;
    else if (k === 'title') node.title = v;
    else node.dataset[k] = v;
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c)));
  return node;
}
const clock = (ms) => (ms ? new Date(ms).toLocaleTimeString([], { hour12: false }) : '—');
const describe = (c) => (c.cmd === 'led' ? `led ${c.value}` : c.cmd === 'interval' ? `interval ${c.seconds} s` : c.cmd);
const round = (n, d) => (typeof n === 'number' ? n.toFixed(d) : '—');

function setPill(id, text, state) {
  const pill = $(id);
  pill.textContent = text;
  pill.className = `pill ${state}`;
}

// Devices: the table, the command form's device list, the "no key" note.
function renderDevices(list) {
  devices.clear();
  for (const d of list) devices.set(d.deviceId, d);
  const body = $('devices').tBodies[0];
  body.replaceChildren(...list.map(deviceRow));
  $('devices-empty').hidden = list.length > 0;
  const select = $('command-device');
  const chosen = select.value;
  select.replaceChildren(...list.filter((d) => d.registered).map((d) => el('option', {}, d.deviceId)));
  for (const o of select.options) o.value = o.textContent;
  if (chosen && devices.has(chosen)) select.value = chosen;
  const keyless = list.filter((d) => !d.hasKey).map((d) => d.deviceId);
  $('keys-note').hidden = keyless.length === 0;
  $('keys-note').textContent = `No payload key for ${keyless.join(', ')}: their messages are shown as ciphertext and commands go unsealed. Start the hub with --keys <file>.`;
}

/** One device changed (a message): replace its row only; a new device redraws the list. */
function updateDevice(d) {
  const known = devices.has(d.deviceId);
  devices.set(d.deviceId, d);
  const old = known && [...$('devices').tBodies[0].rows].find((r) => r.dataset.device === d.deviceId);
  if (old) old.replaceWith(deviceRow(d));
  else renderDevices([...devices.values()].sort((a, b) => a.deviceId.localeCompare(b.deviceId)));
}

function deviceRow(d) {
  const via = d.via ?? 'offline';
  const led = d.led ?? 'unknown';
  return el('tr', { device: d.deviceId },
    el('td', { class: 'id' }, d.deviceId, d.status === 'disabled' ? el('span', { class: 'muted' }, ' (disabled)') : ''),
    el('td', {}, el('span', { class: `badge ${via}`, title: d.remote ? `${d.remote} ${d.container ?? ''}` : '' }, via === 'gateway' ? 'through the gateway' : via)),
    el('td', {}, d.via ? clock(d.connectedSince) : '—'),
    el('td', {}, clock(d.lastSeen)),
    el('td', { class: 'num' }, d.messages),
    el('td', { class: 'led' }, el('i', { class: `dot ${led}` }), led),
    el('td', { class: 'num' }, round(d.temperature, 1)),
    el('td', { class: 'num' }, round(d.light, 0)),
    el('td', {}, d.hasKey ? 'yes' : el('span', { class: 'warn' }, 'no key')),
  );
}

// Telemetry: a table of the latest messages and a chart per device.
function messageRow(m) {
  const hex = m.bodyHex.length > 48 ? `${m.bodyHex.slice(0, 48)}…` : m.bodyHex;
  // One line of JSON with a space after each comma, so that it wraps between fields.
  const decoded = m.note ? el('span', { class: 'warn' }, m.note) : JSON.stringify(m.decoded, null, 1).replace(/\n\s*/g, ' ');
  return el('tr', {}, el('td', {}, clock(m.enqueuedTime)), el('td', { class: 'id' }, m.deviceId),
    el('td', { class: 'nowrap', title: `partition ${m.partition}, sequence number ${m.sequenceNumber}` }, `${m.partition} · ${m.sequenceNumber}`),
    el('td', { class: 'nowrap' }, m.enc ?? ''), el('td', { class: 'hex', title: m.bodyHex }, hex), el('td', { class: 'json' }, decoded));
}

function addMessage(m) {
  const body = $('messages').tBodies[0];
  body.prepend(messageRow(m));
  while (body.rows.length > MAX_ROWS) body.deleteRow(-1);
}

function chartFor(deviceId) {
  let chart = charts.get(deviceId);
  if (chart) return chart;
  const box = el('figure', { class: 'chart' }, el('figcaption', {}, deviceId));
  const all = [...charts.keys(), deviceId].sort();
  const before = charts.get(all[all.indexOf(deviceId) + 1]);
  $('charts').insertBefore(box, before ? before.box : null);
  $('charts-empty').hidden = true;
  const data = [[], [], []];
  const plot = new uPlot({
    width: Math.max(260, box.clientWidth - 8), height: 170, legend: { show: false },
    scales: { x: { time: true }, C: { auto: true }, lux: { auto: true } },
    series: [{}, { label: '°C', scale: 'C', stroke: '#d9480f', width: 2 }, { label: 'lux', scale: 'lux', stroke: '#1c7ed6', width: 2 }],
    axes: [{ stroke: '#666' }, { scale: 'C', stroke: '#d9480f', size: 52 }, { scale: 'lux', side: 1, stroke: '#1c7ed6', size: 52, grid: { show: false } }],
  }, data, box);
  chart = { box, plot, data };
  charts.set(deviceId, chart);
  return chart;
}

function addPoints(deviceId, points) {
  const { plot, data } = chartFor(deviceId);
  for (const [t, temp, light] of points) {
    data[0].push(t / 1000);
    data[1].push(temp);
    data[2].push(light);
  }
  for (const s of data) s.splice(0, Math.max(0, s.length - MAX_POINTS));
  plot.setData(data);
}

// Commands and their feedback.
function addFeedback(f) {
  const sent = commands.get(f.originalMessageId);
  const status = el('span', { class: `status ${f.statusCode === 'Success' ? 'ok' : 'bad'}` }, f.statusCode);
  const row = el('tr', { message: f.originalMessageId }, el('td', {}, clock(Date.parse(f.enqueuedTimeUtc))), el('td', { class: 'id' }, f.deviceId), el('td', {}, status),
    el('td', { title: f.originalMessageId }, sent ? describe(sent.command) : f.originalMessageId.slice(0, 8)), el('td', {}, f.description));
  $('feedback').tBodies[0].prepend(row);
  $('feedback-empty').hidden = true;
}

async function sendCommand(command) {
  const deviceId = $('command-device').value;
  const result = $('command-result');
  if (!deviceId) return void (result.textContent = 'Choose a device first.');
  result.className = 'result';
  result.textContent = `sending ${describe(command)} to ${deviceId}…`;
  const res = await fetch('/api/commands', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ deviceId, command, ack: $('command-ack').value }) });
  const answer = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
  result.className = `result ${res.ok ? 'ok' : 'bad'}`;
  result.textContent = res.ok
    ? `${describe(command)} queued for ${deviceId}${answer.sealed ? ' (sealed)' : ' (unsealed: no key)'}, message ${answer.messageId}${answer.ack === 'none' ? '' : ': feedback below'}`
    : answer.error;
}

for (const button of document.querySelectorAll('button[data-command]')) button.addEventListener('click', () => sendCommand(JSON.parse(button.dataset.command)));
$('interval').addEventListener('click', () => sendCommand({ cmd: 'interval', seconds: Number($('interval-seconds').value) }));
$('command-form').addEventListener('submit', (e) => e.preventDefault());

// The gateway panel.
/** `columns`: field names, or `field=label`. */
function table(columns, rows) {
  const cols = columns.map((c) => c.split('='));
  return el('table', {}, el('thead', {}, el('tr', {}, ...cols.map(([key, label]) => el('th', {}, label ?? key)))),
    el('tbody', {}, ...rows.map((r) => el('tr', {}, ...cols.map(([key]) => el('td', {}, Array.isArray(r[key]) ? r[key].join(', ') : (r[key] ?? '')))))));
}

function renderGateway(g) {
  const box = $('gateway');
  if (!g.configured) return box.replaceChildren(el('p', { class: 'empty' }, 'No gateway configured: start the hub with --gateway-stats <url> (the gateway\'s management endpoint) to see its connections, routed links, credit and counters.'));
  if (!g.ok) return box.replaceChildren(el('p', { class: 'warn' }, g.error));
  const s = g.stats;
  const counters = Object.entries(s.counters).map(([k, v]) => el('span', { class: 'counter' }, `${k} `, el('b', {}, v)));
  box.replaceChildren(
    el('p', {}, 'router ', el('b', {}, s.router.id), s.router.version ? ` ${s.router.version}` : '', s.router.uptimeSeconds != null ? `, up ${Math.round(s.router.uptimeSeconds)} s` : '', ` · ${g.url}`),
    el('div', { class: 'counters' }, ...counters),
    el('h3', {}, `Connections (${s.connections.length})`), table(['id', 'dir', 'role', 'via', 'host', 'container', 'tls', 'devices', 'links'], s.connections),
    el('h3', {}, `Routed links (${s.links.length})`),
    table(['connection', 'direction', 'address', 'upstreamConnection=upstream', 'credit', 'unsettled', 'delivered', 'accepted', 'rejected', 'released', 'modified'], s.links),
    el('h3', {}, `Link routes (${s.linkRoutes.length})`), table(['name', 'pattern', 'direction', 'connection', 'status'], s.linkRoutes));
}

async function pollGateway() {
  try {
    renderGateway(await (await fetch('/api/gateway')).json());
  } catch (e) {
    $('gateway').replaceChildren(el('p', { class: 'warn' }, `console unreachable: ${e.message}`));
  }
  setTimeout(pollGateway, 3000);
}

// The live stream.
function reader(s) {
  setPill('reader', `telemetry: ${s.state}`, s.state === 'connected' ? 'ok' : s.state === 'connecting' ? '' : 'bad');
  $('reader').title = s.detail ?? '';
}

function start() {
  const events = new EventSource('/api/events');
  const on = (name, f) => events.addEventListener(name, (e) => f(JSON.parse(e.data)));
  events.onopen = () => setPill('stream', 'live', 'ok');
  events.onerror = () => setPill('stream', 'reconnecting…', 'bad');
  on('snapshot', (s) => {
    for (const c of charts.values()) c.plot.destroy(), c.box.remove();
    charts.clear();
    for (const c of s.commands) commands.set(c.messageId, c);
    renderDevices(s.devices);
    $('messages').tBodies[0].replaceChildren(...s.messages.slice().reverse().map(messageRow));
    for (const [id, points] of Object.entries(s.points)) addPoints(id, points);
    $('feedback').tBodies[0].replaceChildren();
    s.feedback.forEach(addFeedback);
    reader(s.status);
  });
  on('telemetry', ({ row, device, point }) => {
    addMessage(row);
    updateDevice(device);
    if (point) addPoints(row.deviceId, [point]);
  });
  on('devices', renderDevices);
  on('command', (c) => commands.set(c.messageId, c));
  on('feedback', addFeedback);
  on('status', reader);
}

window.addEventListener('resize', () => {
  for (const { box, plot } of charts.values()) plot.setSize({ width: Math.max(260, box.clientWidth - 8), height: 170 });
});
window.addEventListener('load', () => {
  start();
  pollGateway();
});
