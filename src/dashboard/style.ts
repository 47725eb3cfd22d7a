// The dashboard's one stylesheet: plain CSS, dark text on light backgrounds (WCAG AA contrast), a focus ring on
// everything reachable by keyboard, readable without the script.

export const STYLESHEET = `
:root { --fg: #1a1a1a; --muted: #555; --bg: #fff; --panel: #f4f5f7; --line: #c9ccd1; --link: #0b4fb3; --focus: #c2410c;
  --good-fg: #0b5d1e; --good-bg: #dcf5e3; --bad-fg: #8f1010; --bad-bg: #fde2e2; --wait-fg: #6b4500; --wait-bg: #fdf0cf; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg);
  display: grid; grid-template-columns: 13rem 1fr; grid-template-rows: auto 1fr; min-height: 100vh; }
a { color: var(--link); }
a:hover { text-decoration-thickness: 2px; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 0.5rem; top: 0.5rem; background: var(--bg); padding: 0.25rem 0.5rem; z-index: 2; }
header.top { grid-column: 1 / -1; display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; align-items: baseline; padding: 0.6rem 1rem;
  background: #17202e; color: #f5f7fa; }
header.top a { color: #cfe0ff; }
header.top .name { font-weight: 700; font-size: 1.05rem; color: #fff; text-decoration: none; }
header.top .version, header.top .logout { margin-left: auto; }
header.top .clock-actions form.inline { margin: 0 0.25rem 0 0; }
header.top .clock-actions button { padding: 0 0.5rem; font-size: 0.85rem; background: #2b3a52; border-color: #8fa6c8; }
header.top .clock-actions button:hover { background: #3a4d6b; }
header.top output.result { display: inline; margin: 0 0 0 0.25rem; }
header.top output.result:empty { display: none; }
header.top output.result .ok, header.top output.result .error { color: #fff; }
header.top .version + .logout { margin-left: 0; }
nav.side { background: var(--panel); border-right: 1px solid var(--line); padding: 0.75rem 0.5rem; }
nav.side ul { list-style: none; margin: 0; padding: 0; }
nav.side li a { display: block; padding: 0.25rem 0.5rem; border-radius: 4px; text-decoration: none; }
nav.side li a:hover { text-decoration: underline; }
nav.side a[aria-current="page"] { background: #dbe6f7; font-weight: 600; color: #0a2f6b; }
nav.side h2 { font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); margin: 0.9rem 0.5rem 0.2rem; }
main { padding: 1rem 1.5rem 3rem; min-width: 0; }
main > h1 { margin: 0 0 0.75rem; font-size: 1.4rem; }
h2 { font-size: 1.1rem; margin: 0 0 0.5rem; }
h3 { font-size: 1rem; margin: 0 0 0.4rem; }
.card { background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 0.75rem 1rem; margin: 0 0 1rem; overflow-x: auto; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); gap: 1rem; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; font-weight: 600; font-size: 1.05rem; padding-bottom: 0.4rem; }
th, td { text-align: left; padding: 0.3rem 0.5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
td { overflow-wrap: break-word; }
td time { white-space: nowrap; }
.muted { color: var(--muted); }
.status { display: inline-block; padding: 0 0.4rem; border-radius: 3px; font-weight: 600; font-size: 0.85rem; }
.status.good { color: var(--good-fg); background: var(--good-bg); }
.status.bad { color: var(--bad-fg); background: var(--bad-bg); }
.status.wait { color: var(--wait-fg); background: var(--wait-bg); }
dl.fields { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0 0 1rem; }
dl.fields dt { font-weight: 600; }
dl.fields dd { margin: 0; overflow-wrap: anywhere; }
pre.json { background: var(--panel); border: 1px solid var(--line); border-radius: 4px; padding: 0.5rem; overflow-x: auto; max-height: 28rem;
  white-space: pre-wrap; overflow-wrap: anywhere; font-size: 0.85rem; }
form.filters { display: flex; flex-wrap: wrap; gap: 0.4rem 0.6rem; align-items: center; margin: 0 0 1rem; }
form.action, form.upload { border: 1px solid var(--line); border-radius: 6px; padding: 0.6rem 0.8rem; margin: 0 0 0.8rem; background: var(--panel); }
form.inline { display: inline-block; margin: 0 0.4rem 0.4rem 0; padding: 0; border: 0; background: none; }
input, select, textarea, button { font: inherit; color: var(--fg); }
input, select, textarea { border: 1px solid #767b85; border-radius: 4px; padding: 0.2rem 0.4rem; background: #fff; }
textarea { width: 100%; min-height: 4rem; font-family: ui-monospace, monospace; }
button { border: 1px solid #0b4fb3; background: #0b4fb3; color: #fff; border-radius: 4px; padding: 0.25rem 0.75rem; cursor: pointer; }
button:hover { background: #083b87; }
button.danger { border-color: #8f1010; background: #8f1010; }
output.result { display: block; margin-top: 0.4rem; }
output.result:empty { display: none; }
output.result .ok { color: var(--good-fg); }
output.result .error { color: var(--bad-fg); font-weight: 600; }
nav.pager { display: flex; gap: 1rem; align-items: center; margin: 0.5rem 0 1rem; }
ol.timeline { margin: 0; padding-left: 1.2rem; }
.login { max-width: 26rem; }
.login p { margin: 0 0 0.6rem; }
.message.error { color: var(--bad-fg); font-weight: 600; }
@media (max-width: 700px) { body { grid-template-columns: 1fr; } nav.side { border-right: 0; border-bottom: 1px solid var(--line); } }
`
