/**
 * The page's stylesheet, inlined in `<style>` (the page loads nothing). System fonts, a readable
 * measure on a laptop screen, a visible focus ring on every focusable element (WCAG 2.2 SC 2.4.7
 * Focus Visible), and `@media print` (CSS Paged Media: no sticky navigation, no scroll boxes,
 * colours kept with `print-color-adjust`, sections not split where avoidable).
 */
export const STYLE = `
:root{--fg:#1b1f24;--dim:#5b6470;--line:#d0d7de;--bg:#fff;--panel:#f6f8fa;--ok:#1a7f37;--okbg:#dafbe1;--bad:#cf222e;--badbg:#ffebe9;--unk:#9a6700;--unkbg:#fff8c5;--new:#0969da;--newbg:#ddf4ff;--focus:#0969da}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header.top{padding:12px 20px;border-bottom:1px solid var(--line);background:var(--panel)}
header.top h1{margin:0;font-size:20px}
nav.toc{position:sticky;top:0;z-index:2;background:var(--bg);border-bottom:1px solid var(--line);padding:6px 20px;display:flex;flex-wrap:wrap;gap:4px 14px}
nav.toc a{color:var(--new);text-decoration:none}
main{padding:0 20px 40px;max-width:1600px}
section.part{margin-top:20px}
h2{font-size:18px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{font-size:15px;margin:16px 0 6px}
h4{font-size:13px;margin:10px 0 4px;color:var(--dim)}
code,pre,.src{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:12px}
pre{background:var(--panel);padding:8px;overflow:auto}
.src{color:var(--dim)}
.scroll{overflow:auto;max-width:100%}
table{border-collapse:collapse;margin:6px 0}
th,td{border:1px solid var(--line);padding:3px 6px;text-align:left;vertical-align:top}
thead th{background:var(--panel);position:sticky;top:0}
table.matrix td.cell{text-align:center;min-width:2.4em;cursor:pointer;font-weight:600}
table.matrix th[scope=row]{font-weight:normal;white-space:nowrap}
.kind{color:var(--dim);font-size:12px}
.cell.v-runs{background:var(--okbg);color:var(--ok)}
.cell.v-predicted{background:var(--newbg);color:var(--new)}
.cell.v-feasible{color:var(--ok)}
.cell.v-rejected{background:var(--badbg);color:var(--bad)}
.cell.v-not-targeted{color:var(--dim)}
.cell.selected{outline:2px solid var(--fg)}
.legend .cell{display:inline-block;padding:0 4px;border:1px solid var(--line)}
.reason{white-space:pre-line;border:1px solid var(--line);background:var(--panel);padding:8px;margin:6px 0;min-height:3em}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
svg .node:focus-visible rect,svg .lb:focus-visible rect{stroke:var(--focus);stroke-width:3}
svg.map{display:block;font:11px ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace}
svg.map rect{fill:#fff;stroke:#8c959f}
svg.map .vpc>rect{fill:#f6f8fa}
svg.map .zone>rect{fill:#eef1f4;stroke-dasharray:4 3}
svg.map .subnet.public>rect{fill:#eaf5ff}
svg.map .subnet.private>rect{fill:#f3f0ff}
svg.map .node>rect{fill:#fff}
svg.map .node.tainted>rect{stroke:var(--unk);stroke-width:2}
svg.map .lb>rect{fill:#fff8c5}
svg.map .internet>rect{fill:#ddf4ff}
svg.map .edges line{stroke:#9a6700;stroke-width:1.5;stroke-dasharray:5 3;opacity:.7;pointer-events:none}
svg.map text{fill:var(--fg)}
svg.map .t-name{font-weight:700}
svg.map .t-dim{fill:var(--dim)}
svg.map .t-taint,svg.map .t-warn{fill:var(--unk)}
svg.map .t-label{fill:#0550ae}
svg.map .t-route{fill:#6639ba}
svg.map .t-gw{fill:#1a7f37}
svg.chain{display:block;font:11px ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;margin:4px 0}
svg.chain rect{fill:#fff;stroke:#8c959f}
svg.chain .nat rect{fill:var(--newbg);stroke:var(--new)}
svg.chain .dropped rect{fill:var(--badbg);stroke:var(--bad);stroke-width:2}
svg.chain .unknown rect{fill:var(--unkbg);stroke:var(--unk)}
svg.chain text{fill:var(--fg)}
svg.chain .t-dim{fill:var(--dim)}
svg.chain .arrows line,svg.chain .arrows polyline{fill:none;stroke:#57606a;stroke-width:1.5}
svg.chain .arrows polygon{fill:#57606a}
ol.hops{list-style:none;padding:0;margin:0;border-left:3px solid var(--line)}
li.hop{position:relative;margin:0 0 6px 10px;padding:4px 8px;border:1px solid var(--line);border-radius:4px}
li.hop::before{content:"";position:absolute;left:-16px;top:12px;width:9px;height:9px;border-radius:50%;background:var(--line)}
li.hop.a-dnat,li.hop.a-snat{background:var(--newbg)}
li.hop[data-dropped=true]{background:var(--badbg);border:2px solid var(--bad)}
li.hop[data-dropped=true]::before{background:var(--bad)}
li.hop[data-unknown=true]{background:var(--unkbg)}
li.hop .act{text-transform:uppercase;font-size:11px;font-weight:700}
li.hop .comp{color:var(--dim)}
li.hop .note{margin:2px 0 0}
.pkt .lbl{color:var(--dim);font-size:11px}
code.changed{font-weight:700}
.verdict .badge{display:inline-block;padding:0 6px;border-radius:8px;font-weight:700;text-transform:uppercase;font-size:11px}
.v-delivered .badge,.v-open{color:var(--ok)}
.v-delivered .badge{background:var(--okbg)}
.v-dropped .badge{background:var(--badbg);color:var(--bad)}
.v-unknown .badge{background:var(--unkbg);color:var(--unk)}
td.v-delivered{color:var(--ok)}td.v-dropped,li.v-dropped{color:var(--bad)}td.v-unknown{color:var(--unk)}
section.path{border:1px solid var(--line);border-radius:6px;padding:8px 12px;margin:10px 0}
details.flow,details.rec{margin:6px 0}
details>summary{cursor:pointer}
ul.flat{margin:0;padding-left:16px}
tr.sev-error td:first-child{color:var(--bad);font-weight:700}
tr.sev-warning td:first-child{color:var(--unk);font-weight:700}
.chain{color:var(--dim);font-size:12px}
@media print{
  nav.toc{display:none}
  body{font-size:11px}
  main{max-width:none;padding:0}
  .scroll{overflow:visible}
  table{width:100%}
  th,td{overflow-wrap:break-word}
  td code,th .src{overflow-wrap:anywhere}
  thead th{position:static}
  section.path,li.hop,tr{break-inside:avoid}
  section.part{break-before:auto}
  h2,h3{break-after:avoid}
  *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
  svg.map{max-width:100%;height:auto}
  .reason:empty{display:none}
}
`;
