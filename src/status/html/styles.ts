import type { PageColors, ThemeColors } from "../../services/status-pages/colors.ts";

/** Status colours per theme; each sits next to words, so colour never carries meaning alone. */
const STATUS_LIGHT = {
  up: "#1a7f37",
  degraded: "#9a6700",
  down: "#cf222e",
  maint: "#0969da",
  none: "#8c959f",
};
const STATUS_DARK = {
  up: "#3fb950",
  degraded: "#d29922",
  down: "#f85149",
  maint: "#58a6ff",
  none: "#6e7681",
};

/** Only #rrggbb reaches the style sheet (the API validates colours; this guards the invariant). */
function hex(value: string, fallback: string): string {
  return /^#[0-9a-f]{6}$/i.test(value) ? value : fallback;
}

function themeVars(t: ThemeColors, s: typeof STATUS_LIGHT): string {
  return [
    `--bg:${hex(t.background, "#ffffff")}`,
    `--fg:${hex(t.text, "#1f2328")}`,
    `--accent:${hex(t.accent, "#0b5cad")}`,
    `--up:${s.up}`,
    `--degraded:${s.degraded}`,
    `--down:${s.down}`,
    `--maint:${s.maint}`,
    `--none:${s.none}`,
  ].join(";");
}

/**
 * The page's style sheet: the owner's colours for light and dark (chosen by prefers-color-scheme),
 * visible keyboard focus, and banners whose white text passes AA on every banner colour.
 */
export function pageStyles(colors: PageColors): string {
  return `:root{color-scheme:light dark;${themeVars(colors.light, STATUS_LIGHT)}}
@media (prefers-color-scheme:dark){:root{${themeVars(colors.dark, STATUS_DARK)}}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
a{color:var(--accent)}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.skip{position:absolute;left:-10000px;top:0}
.skip:focus{left:1rem;top:1rem;background:var(--bg);color:var(--accent);padding:.5rem 1rem;z-index:2}
.wrap{max-width:60rem;margin:0 auto;padding:1.5rem 1rem}
.brand{display:flex;align-items:center;gap:1rem}
.brand img{max-height:3rem;max-width:12rem}
h1{font-size:1.75rem;margin:0}
h2{font-size:1.25rem;margin:2rem 0 .75rem}
h3{font-size:1rem;margin:0}
.sr{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.banner{margin:1.5rem 0 0;padding:1rem 1.25rem;border-radius:.5rem;color:#fff;background:#1a7f37}
.banner h2{margin:0;font-size:1.25rem}
.banner.minor{background:#9a6700}.banner.major{background:#cf222e}.banner.critical{background:#a40e26}.banner.maintenance{background:#0969da}
.list{list-style:none;padding:0;margin:0;border:1px solid color-mix(in srgb,var(--fg) 25%,transparent);border-radius:.5rem}
.list>li{padding:1rem;border-top:1px solid color-mix(in srgb,var(--fg) 15%,transparent)}
.list>li:first-child{border-top:0}
.head{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.5rem;align-items:baseline}
.state{margin:0;display:flex;align-items:center;gap:.4rem}
.dot{display:inline-block;width:.8rem;height:.8rem;border-radius:50%;background:var(--up)}
[data-status=degraded_performance] .dot{background:var(--degraded);border-radius:0;clip-path:polygon(50% 0,100% 100%,0 100%)}
[data-status=partial_outage] .dot,[data-status=major_outage] .dot{background:var(--down);border-radius:0}
[data-status=under_maintenance] .dot{background:var(--maint);border-radius:0;clip-path:polygon(50% 0,100% 50%,50% 100%,0 50%)}
[data-state=pending] .dot,[data-state=paused] .dot{background:var(--none)}
.uptime{margin:.25rem 0 0;font-size:.9rem}
.bars{display:flex;gap:2px;list-style:none;padding:0;margin:.5rem 0 0;height:2rem}
.bars.dense{gap:0}
.bars>li{flex:1;position:relative;border-radius:1px;background:var(--none)}
.bars>.u{background:var(--up)}.bars>.p{background:var(--degraded)}.bars>.o{background:var(--down)}
.tip{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;background:var(--fg);color:var(--bg);padding:.25rem .5rem;border-radius:.25rem;font-size:.85rem}
.bars>li:hover .tip{width:auto;height:auto;clip:auto;overflow:visible;bottom:calc(100% + .4rem);left:50%;transform:translateX(-50%);z-index:1}
.scale{display:flex;justify-content:space-between;font-size:.85rem;margin:.25rem 0 0}
.maint>li p{margin:.25rem 0 0}
.incident.impact-minor{border-left:4px solid var(--degraded)}.incident.impact-major,.incident.impact-critical{border-left:4px solid var(--down)}
.timeline{list-style:none;padding:0 0 0 .75rem;margin:.5rem 0 0;border-left:2px solid color-mix(in srgb,var(--fg) 20%,transparent)}
.timeline>li{margin:.5rem 0 0}.timeline p,.md p{margin:.25rem 0}.md h4,.md h5,.md h6{font-size:1rem;margin:.5rem 0 .25rem}
footer{margin-top:3rem;padding-top:1rem;border-top:1px solid color-mix(in srgb,var(--fg) 25%,transparent);font-size:.9rem}
footer ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:1rem}
form{display:grid;gap:.75rem;max-width:24rem;margin-top:1.5rem}
input{font:inherit;padding:.5rem;border:1px solid var(--fg);border-radius:.25rem;background:var(--bg);color:var(--fg)}
button{font:inherit;padding:.5rem 1rem;border:0;border-radius:.25rem;background:var(--accent);color:var(--bg);cursor:pointer}
.error{border-left:4px solid var(--down);padding:.25rem .75rem;margin:1rem 0 0}`;
}
