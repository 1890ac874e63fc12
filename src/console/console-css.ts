/** The console's one stylesheet, served by the bridge at /console/assets/console.css (no CDN, no inline style). */
export const CONSOLE_CSS = `
:root { --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg: #ffffff; --panel: #f6f8fa; --accent: #0550ae;
  --ok: #116329; --bad: #a40e26; --warn: #7d4e00; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; color: var(--fg); background: var(--bg); font-size: 15px; line-height: 1.45; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible { outline: 3px solid #0969da; outline-offset: 2px; }
header.top { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1.25rem; padding: .6rem 1rem; background: #24292f; color: #fff; }
header.top a { color: #fff; text-decoration: none; }
header.top a[aria-current="page"] { text-decoration: underline; text-underline-offset: 4px; }
header.top .brand { font-weight: 700; margin-right: .5rem; }
header.top nav { display: flex; flex-wrap: wrap; gap: .25rem 1rem; }
header.top form { margin-left: auto; }
header.top button { background: transparent; color: #fff; border: 1px solid #8c959f; }
main { padding: 1rem; max-width: 1400px; margin: 0 auto; }
h1 { font-size: 1.4rem; margin: .25rem 0 1rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
/* Words break only when one alone is wider than the line (a long user name), never mid-word otherwise. */
h1, h2, h3 { overflow-wrap: break-word; hyphens: none; }
.muted { color: var(--muted); }
.error-box { border: 1px solid var(--bad); background: #ffebe9; color: var(--bad); padding: .6rem .8rem; border-radius: 6px; margin: .5rem 0 1rem; }
form.filters { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: .6rem .8rem; align-items: end;
  background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .8rem; margin-bottom: 1rem; }
label { display: flex; flex-direction: column; gap: .2rem; font-size: .85rem; color: var(--muted); }
input, select, button { font: inherit; color: var(--fg); padding: .35rem .5rem; border: 1px solid var(--line); border-radius: 6px; background: #fff; min-height: 2.2rem; }
button { cursor: pointer; background: var(--panel); }
button.primary { background: #1f883d; color: #fff; border-color: #1a7f37; }
.actions { display: flex; gap: .5rem .8rem; flex-wrap: wrap; align-items: center; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; vertical-align: top; padding: .45rem .5rem; border-bottom: 1px solid var(--line); }
th { font-size: .8rem; text-transform: uppercase; letter-spacing: .03em; color: var(--muted); }
.nowrap { white-space: nowrap; }
/* Ids, refs and errors are long unbroken strings: they wrap anywhere rather than widen the page. */
td code, dd code, .job-error { overflow-wrap: anywhere; }
.job-error { color: var(--bad); }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85rem; }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .6rem; overflow-x: auto; white-space: pre-wrap; word-break: break-word; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 999px; font-size: .78rem; font-weight: 600; border: 1px solid currentColor; white-space: nowrap; }
.badge.matched, .badge.done, .badge.ok { color: var(--ok); }
.badge.missed, .badge.pending, .badge.running { color: var(--muted); }
.badge.suppressed, .badge.ambiguous { color: var(--warn); }
.badge.error, .badge.dead { color: var(--bad); }
.pager { display: flex; gap: 1rem; align-items: center; margin: 1rem 0; }
.rule { border: 1px solid var(--line); border-radius: 6px; padding: .6rem .8rem; margin: .6rem 0; }
.rule h3 { font-size: 1rem; margin: 0 0 .3rem; display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; }
.rule h3 .muted { font-weight: 400; font-size: .85rem; }
ul.tree { list-style: none; margin: .3rem 0; padding-left: 1.1rem; border-left: 2px solid var(--line); }
ul.tree > li { margin: .15rem 0; }
.pass { color: var(--ok); font-weight: 700; }
.fail { color: var(--bad); font-weight: 700; }
.actual { color: var(--muted); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; word-break: break-word; }
.login { max-width: 22rem; margin: 10vh auto; border: 1px solid var(--line); border-radius: 8px; padding: 1.2rem; display: flex; flex-direction: column; gap: .8rem; }
fieldset.choices { border: 1px solid var(--line); border-radius: 6px; padding: .4rem .8rem .6rem; margin: 0 0 1rem; display: flex; flex-wrap: wrap; gap: .3rem 1.5rem; }
fieldset.choices legend { color: var(--muted); font-size: .85rem; padding: 0 .3rem; }
label.choice { flex-direction: row; align-items: center; gap: .4rem; color: var(--fg); font-size: 1rem; }
input[type=checkbox], input[type=radio] { min-height: 0; width: 1.1rem; height: 1.1rem; margin: .15rem 0; vertical-align: middle; }
section.person-event { border-top: 1px solid var(--line); padding-top: .4rem; margin-top: 1rem; }
section.person-event h2 { font-size: 1rem; margin: .3rem 0 .5rem; }
.live:empty { display: none; }
figure.chart { margin: 0; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
figure.chart figcaption { font-size: .85rem; }
.legend.matched { color: #0550ae; } .legend.suppressed { color: #9a6700; } .legend.sent { color: #116329; } .legend.failed { color: #a40e26; }
table.headers th { text-transform: none; letter-spacing: 0; font-size: .85rem; width: 1%; white-space: nowrap; }
table.headers td code { overflow-wrap: anywhere; }
@media (max-width: 700px) { table.headers th, table.headers td { display: block; width: auto; white-space: normal; overflow-wrap: anywhere; } table.headers th { border-bottom: none; padding-bottom: 0; } }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (max-width: 700px) {
  main { padding: .6rem; }
  table.cards thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.cards, table.cards tbody, table.cards tr, table.cards td { display: block; width: 100%; }
  table.cards tr { border: 1px solid var(--line); border-radius: 6px; margin-bottom: .6rem; padding: .3rem .4rem; }
  table.cards td { border: none; padding: .15rem .2rem; }
  table.cards td[data-label]::before { content: attr(data-label) ": "; color: var(--muted); font-size: .8rem; }
  header.top form { margin-left: 0; }
}
`;
