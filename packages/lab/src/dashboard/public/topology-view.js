// The topology as an inline SVG: the apiserver (the hub) at the top, the Konnectivity server beside it when
// used, one column per node below with its kubelet and pods, and between hub and each node the stack of paths
// that connect them, each labelled in words. The attacker, when present, sits on its victim's wire.
// Pure: topology in, markup out (every text escaped).

const COLUMN = 640;
const LINE = 17;
const TOP = 16;
const HUB_H = 74;

/** Escape text for SVG/HTML. */
export function esc(value) {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/** "12.3 kB". */
export function formatBytes(n) {
  if (n === undefined || n === null) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** "↑ 1.2 kB ↓ 3.4 kB", "bytes unknown" where the counters cannot be read, or '' where nothing is counted. */
export function formatEdgeBytes(edge) {
  if (edge.bytesUnknown) return 'bytes unknown';
  return edge.bytes ? `↑ ${formatBytes(edge.bytes.sent)} ↓ ${formatBytes(edge.bytes.received)}` : '';
}

const EDGE_NAMES = {
  'kubelet-api': 'apiserver → kubelet',
  'node-to-apiserver': 'kubelet → apiserver',
  'pod-proxy': 'apiserver → pods',
  'pod-to-apiserver': 'pods → apiserver',
  'konnectivity-tunnel': 'agent → konn-server',
  'ssh-tunnel': 'apiserver → sshd',
};

/** The short name of a path's direction, as the SVG labels it. */
export function edgeName(edge) {
  return EDGE_NAMES[edge.kind] ?? edge.title;
}

function text(x, y, content, attrs = '') {
  return `<text x="${x}" y="${y}" ${attrs}>${content}</text>`;
}

function verificationSpan(v) {
  return `<tspan data-field="serverVerification" class="v-${esc(v === 'n/a' ? 'na' : v)}">${esc(v)}</tspan>`;
}

/** The SVG for a topology. */
export function renderTopology(t) {
  const nodes = t.nodes;
  const width = Math.max(1, nodes.length) * COLUMN;
  const hubX = width / 2;
  const parts = [];
  const hubW = 360;
  parts.push(`<g data-node="apiserver" role="group" aria-label="apiserver ${esc(t.apiserver.url)}">`);
  parts.push(`<rect class="box hub" x="${hubX - hubW / 2}" y="${TOP}" width="${hubW}" height="${HUB_H}" rx="8"/>`);
  parts.push(text(hubX - hubW / 2 + 14, TOP + 24, 'kube-apiserver (hub)', 'class="title"'));
  parts.push(text(hubX - hubW / 2 + 14, TOP + 44, esc(t.apiserver.url)));
  parts.push(text(hubX - hubW / 2 + 14, TOP + 62, `authz ${esc(t.apiserver.authorizationModes.join(','))} · anonymous ${t.apiserver.anonymousAuth ? 'on' : 'off'}`, 'class="muted"'));
  parts.push('</g>');

  const konn = t.egress.kind === 'konnectivity';
  const konnX = width - 250;
  if (konn) {
    // A compose lab cannot see which agents are connected: it says so rather than "0".
    const known = t.egress.agents.every((a) => a.connected !== undefined);
    const agents = known ? `${t.egress.agents.filter((a) => a.connected).length}/${t.egress.agents.length}` : `unknown (${t.egress.agents.length} configured)`;
    parts.push(`<g data-node="konnectivity-server" role="group" aria-label="konnectivity-server">`);
    parts.push(`<rect class="box konn-box" x="${konnX}" y="${TOP}" width="230" height="${HUB_H}" rx="8"/>`);
    parts.push(text(konnX + 12, TOP + 24, 'konnectivity-server', 'class="title"'));
    parts.push(text(konnX + 12, TOP + 44, `agents connected: ${esc(agents)}`, 'data-field="agents"'));
    parts.push(text(konnX + 12, TOP + 62, `agent port ${esc(t.egress.agentPort)}`, 'class="muted"'));
    parts.push('</g>');
    parts.push(`<path class="wire tunnel" d="M ${hubX + hubW / 2} ${TOP + HUB_H / 2} L ${konnX} ${TOP + HUB_H / 2}"/>`);
  }

  const attackerH = t.attacker ? 64 : 0;
  const stackTop = TOP + HUB_H + 40 + (t.attacker ? attackerH + 30 : 0);
  let height = 0;
  nodes.forEach((node, i) => {
    const cx = i * COLUMN + COLUMN / 2;
    const edges = t.edges.filter((e) => e.from === node.id || e.to === node.id || e.from === `pods:${node.name}` || e.to === `pods:${node.name}`);
    const kubeletEdge = edges.find((e) => e.kind === 'kubelet-api');
    const stackH = edges.length * LINE * 2 + 12;
    const stackW = COLUMN - 30;
    const nodeTop = stackTop + stackH + 34;
    const verifyClass = kubeletEdge ? kubeletEdge.serverVerification : '';
    const victim = t.attacker && t.attacker.victim === node.name;

    // The wire: hub → (attacker) → the path stack → the node.
    const wire = victim
      ? `M ${hubX} ${TOP + HUB_H} L ${cx} ${TOP + HUB_H + 30} L ${cx} ${stackTop}`
      : `M ${hubX} ${TOP + HUB_H} L ${cx} ${stackTop - 16} L ${cx} ${stackTop}`;
    parts.push(`<path class="wire ${esc(verifyClass)}" d="${wire}"/>`);
    parts.push(`<path class="wire ${esc(verifyClass)}" d="M ${cx} ${stackTop + stackH} L ${cx} ${nodeTop}"/>`);
    if (konn) {
      // The agent dials out: from the node's side, up the gap right of its column, across to the server.
      const gap = (i + 1) * COLUMN - 7;
      parts.push(`<path class="wire tunnel" d="M ${cx + stackW / 2} ${nodeTop + 24} H ${gap} V ${TOP + HUB_H + 14} H ${konnX + 115} V ${TOP + HUB_H}"/>`);
    }

    if (victim) {
      const a = t.attacker;
      const ax = cx - 190;
      const ay = TOP + HUB_H + 30;
      parts.push(`<g data-node="attacker" role="group" aria-label="attacker: man in the middle on ${esc(a.address)}">`);
      parts.push(`<rect class="attacker-box" x="${ax}" y="${ay}" width="380" height="${attackerH}" rx="8"/>`);
      parts.push(text(ax + 12, ay + 22, `attacker (MITM) ${esc(a.address)}:${esc(a.port)}`, 'class="title attacker-text"'));
      parts.push(text(ax + 12, ay + 42, `holds ${esc(node.name)}'s advertised address`, 'class="attacker-text"'));
      parts.push(text(ax + 12, ay + 58, `${esc(a.captures)} captured · ${esc(a.refused)} refused by the apiserver`, 'class="attacker-text"'));
      parts.push('</g>');
    }

    parts.push(`<g data-paths="${esc(node.name)}" role="list" aria-label="paths between the apiserver and ${esc(node.name)}">`);
    parts.push(`<rect class="labels" x="${cx - stackW / 2}" y="${stackTop}" width="${stackW}" height="${stackH}" rx="6"/>`);
    edges.forEach((e, j) => {
      const y = stackTop + 18 + j * LINE * 2;
      const x = cx - stackW / 2 + 10;
      const label = `${esc(e.protocol)} · ${verificationSpan(e.serverVerification)} · ${esc(e.clientAuthentication)} · ${esc(e.authorization)}`;
      parts.push(`<g data-edge="${esc(e.id)}" role="listitem" aria-label="${esc(`${e.title}: ${e.protocol}, ${e.encryption}, server ${e.serverVerification}, client ${e.clientAuthentication}, authorization ${e.authorization}, ${e.claim}`)}">`);
      parts.push(text(x, y, `<tspan font-weight="700">${esc(edgeName(e))}</tspan>  ${label}`, 'class="edge"'));
      // The note (why a path fails, what the attacker does) is in the paths table; here: claim, bytes, route.
      const extra = [e.claim, formatEdgeBytes(e), e.via ? `via ${e.via}` : ''].filter(Boolean).join(' · ');
      parts.push(text(x + 14, y + LINE - 2, esc(extra), 'class="edge muted"'));
      parts.push('</g>');
    });
    parts.push('</g>');

    const info = [
      `kubelet https://${node.address}:${node.port}${node.advertisedAddress !== node.address ? ` (advertised as ${node.advertisedAddress})` : ''}`,
      `serving cert ${node.servingCert === 'cluster-ca' ? 'signed by the cluster CA' : 'self-signed'}`,
      `anonymous ${node.anonymousAuth ? 'ALLOWED' : 'off'} · authz ${node.authorizationMode}`,
      node.readOnlyPort ? `read-only port ${node.readOnlyPort} OPEN (no authentication)` : 'read-only port closed',
    ];
    const boxH = 34 + info.length * LINE + 10 + Math.max(1, node.pods.length) * LINE + 10;
    parts.push(`<g data-node="${esc(node.id)}" role="group" aria-label="${esc(node.name)}">`);
    parts.push(`<rect class="box" x="${cx - stackW / 2}" y="${nodeTop}" width="${stackW}" height="${boxH}" rx="8"/>`);
    parts.push(text(cx - stackW / 2 + 12, nodeTop + 22, `${esc(node.name)}${node.ready ? '' : ' (NotReady)'}`, 'class="title"'));
    info.forEach((line, j) => parts.push(text(cx - stackW / 2 + 12, nodeTop + 40 + j * LINE, esc(line), 'class="muted"')));
    const podsTop = nodeTop + 40 + info.length * LINE + 8;
    if (node.pods.length === 0) parts.push(text(cx - stackW / 2 + 12, podsTop, 'no pods', 'class="muted"'));
    node.pods.forEach((p, j) => {
      const y = podsTop + j * LINE;
      parts.push(`<g data-pod="${esc(`${p.namespace}/${p.name}`)}">`);
      parts.push(`<circle cx="${cx - stackW / 2 + 18}" cy="${y - 4}" r="4" class="${p.phase === 'Running' ? 'pod-running' : 'pod-other'}"/>`);
      parts.push(text(cx - stackW / 2 + 28, y, `pod ${esc(p.namespace)}/${esc(p.name)}  ${esc(p.ip ?? '')}  ${esc(p.phase)}`));
      parts.push('</g>');
    });
    parts.push('</g>');
    height = Math.max(height, nodeTop + boxH + 16);
  });

  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${Math.max(height, 200)}" role="group" aria-labelledby="topology-title"><title id="topology-title">Lab topology: the apiserver, ${esc(nodes.map((n) => n.name).join(', '))}${t.attacker ? ', an attacker' : ''}</title>${parts.join('')}</svg>`;
}
