/** The page's style sheet, inlined: the report is one file. */
import { trusted } from './html';

export const STYLE = trusted(`
:root { --anonymous: #8fb8de; --file: #9ccc65; --shared: #ffb74d; --stack: #e57373; --heap: #ba68c8; --vdso: #90a4ae; }
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.25em; margin-top: 1.5em; border-bottom: 1px solid #ccc; } h3 { font-size: 1.05em; margin-bottom: .3em; }
code, .address, .path, .pid, .fd { font-family: ui-monospace, monospace; }
a { color: #1565c0; text-decoration: none; } a:hover { text-decoration: underline; }
.none { color: #888; } .missing { color: #c62828; }
.findings { border: 1px solid #aaa; border-radius: 6px; padding: 0 1em; background: #f5f5f5; }
.findings.has-errors { border-color: #c62828; background: #ffebee; }
.findings.clean { border-color: #2e7d32; background: #e8f5e9; }
.finding { margin: .2em 0; } .finding .severity { font-weight: bold; text-transform: uppercase; font-size: .8em; padding: 0 .4em; border-radius: 3px; color: #fff; }
.finding.error .severity, .badge.error { background: #c62828; } .finding.warning .severity, .badge.warning { background: #ef6c00; }
.task-findings { list-style: none; padding: .5em; border-left: 4px solid #c62828; background: #fff3e0; }
.badge { color: #fff; border-radius: 8px; padding: 0 .45em; font-size: .8em; }
.tree, .tree ul { list-style: none; padding-left: 1.2em; } .tree > li { margin-left: -1.2em; }
.task-node > summary { cursor: pointer; padding: .1em 0; } .task-node.leaf > summary { list-style: none; padding-left: 1em; }
.comm { color: #4e342e; } .state, .threads, .ids, .role { color: #555; margin-left: .6em; } .role { font-style: italic; }
.task { margin-top: 2em; } .facts { color: #444; }
.threads { columns: 4; }
.legend { display: flex; flex-wrap: wrap; gap: .4em 1.2em; } .legend p { flex-basis: 100%; margin: .3em 0; }
.swatch { display: inline-block; width: 1em; height: 1em; vertical-align: -.15em; margin-right: .3em; border: 1px solid #666; }
.swatch.kind-anonymous { background: var(--anonymous); } .swatch.kind-file { background: var(--file); } .swatch.kind-shared { background: var(--shared); }
.swatch.kind-stack { background: var(--stack); } .swatch.kind-heap { background: var(--heap); } .swatch.kind-vdso { background: var(--vdso); }
.memory-map { display: block; max-width: 1200px; font: 11px ui-monospace, monospace; }
.memory-map .track { fill: #f4f4f4; stroke: #ddd; }
.memory-map .area { stroke: #333; stroke-width: .5; }
.memory-map .kind-anonymous .area { fill: var(--anonymous); } .memory-map .kind-file .area { fill: var(--file); } .memory-map .kind-shared .area { fill: var(--shared); }
.memory-map .kind-stack .area { fill: var(--stack); } .memory-map .kind-heap .area { fill: var(--heap); } .memory-map .kind-vdso .area { fill: var(--vdso); }
.memory-map .dumped { fill: #000; fill-opacity: .35; pointer-events: none; }
.memory-map .vma:hover .area { stroke: #000; stroke-width: 2; }
.memory-map .row-label { fill: #555; } .memory-map .hole { fill: #999; text-anchor: middle; }
table { border-collapse: collapse; margin: .4em 0; } th, td { border: 1px solid #ddd; padding: .15em .5em; text-align: left; vertical-align: top; }
thead th { background: #eee; } tr.group th { background: #f7f7f7; font-weight: 600; }
td.number { text-align: right; } .compact { margin: 0; padding-left: 1.2em; }
`);
