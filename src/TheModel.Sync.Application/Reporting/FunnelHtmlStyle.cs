namespace TheModel.Sync.Application.Reporting;

/// <summary>
/// The page's only stylesheet, inline. System fonts (the page must not fetch any), one blue for the funnel and one
/// burnt orange for the bottleneck; the orange always comes with words or stripes, never alone. It contains neither
/// '&lt;' nor '&amp;', so the page stays well-formed XML.
/// </summary>
internal static class FunnelHtmlStyle
{
    public const string Css = """
        :root {
          color-scheme: light;
          --ink: #1f2933; --muted: #5f6b7a; --line: #d9dee5; --soft: #f4f6f8;
          --bar: #3f6ea8; --track: #eef1f5; --alert: #b4461c; --alert-soft: #fbeee7; --ok: #2f6b45; --ok-soft: #ebf5ee;
        }
        * { box-sizing: border-box; }
        html { -webkit-text-size-adjust: 100%; }
        body {
          margin: 0; background: #fff; color: var(--ink);
          font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans",
            "Hiragino Sans", "Noto Sans CJK JP", "Yu Gothic", sans-serif;
        }
        main { max-width: 1000px; margin: 0 auto; padding: 24px 20px 48px; }
        h1 { font-size: 1.7rem; margin: 0 0 4px; letter-spacing: -0.01em; }
        h2 { font-size: 1.2rem; margin: 0 0 6px; }
        section { margin-top: 32px; }
        .window { margin: 0; color: var(--muted); font-variant-numeric: tabular-nums; }
        .lead, figcaption, footer, .empty { color: var(--muted); }
        .lead { margin: 0 0 12px; }
        .empty { font-style: italic; }
        dl.facts { display: flex; flex-wrap: wrap; gap: 8px 32px; margin: 14px 0 0; }
        dl.facts dt { font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); }
        dl.facts dd { margin: 0; font-size: 1.25rem; font-weight: 600; font-variant-numeric: tabular-nums; }
        code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.9em; }
        nav ul { list-style: none; margin: 18px 0 0; padding: 8px 0; display: flex; flex-wrap: wrap; gap: 4px 16px;
          border-top: 1px solid var(--line); border-bottom: 1px solid var(--line); }
        nav a { color: var(--bar); text-decoration: none; }
        nav a:hover { text-decoration: underline; }
        .callout { padding: 16px 20px; border-radius: 6px; border: 1px solid var(--line); border-left-width: 6px; }
        .callout.alert { background: var(--alert-soft); border-color: var(--alert); }
        .callout.clear { background: var(--ok-soft); border-color: var(--ok); }
        .callout .sentence { font-size: 1.2rem; font-weight: 600; margin: 4px 0; }
        .callout .figures { margin: 0; font-variant-numeric: tabular-nums; }
        figure.chart { margin: 0; }
        .funnel-chart { display: block; width: 100%; max-width: 760px; height: auto; font-size: 14px; }
        .funnel-chart text { fill: var(--ink); font-variant-numeric: tabular-nums; }
        .funnel-chart .stage-label { font-weight: 600; }
        .funnel-chart .gap-text { fill: var(--muted); font-size: 13px; }
        .funnel-track { fill: var(--track); }
        .funnel-bar { fill: var(--bar); }
        .funnel-bar.bottleneck { fill: url(#bottleneck-stripes); }
        .stripe-base { fill: var(--alert); }
        .stripe { fill: #d9825f; }
        .gap-marker { fill: var(--alert); }
        .funnel-chart .below, .funnel-chart .bottleneck-word { fill: var(--alert); font-weight: 700; }
        .below, .below-mark { color: var(--alert); font-weight: 600; }
        .table-wrap { overflow-x: auto; margin-top: 12px; }
        table { border-collapse: collapse; font-size: 0.9rem; font-variant-numeric: tabular-nums; min-width: 50%; }
        caption { text-align: left; font-weight: 600; padding-bottom: 4px; }
        th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; white-space: nowrap; }
        thead th { border-bottom: 2px solid var(--ink); font-weight: 600; vertical-align: bottom; white-space: normal; }
        tbody th { font-weight: 500; white-space: normal; overflow-wrap: anywhere; min-width: 8em; max-width: 18em; }
        td.name { white-space: normal; overflow-wrap: anywhere; min-width: 8em; max-width: 18em; }
        table.slices { font-size: 0.82rem; }
        table.slices thead th.num { max-width: 6.5em; }
        .num { text-align: right; }
        td small { color: var(--muted); font-size: 0.8em; }
        tr.total th, tr.total td { background: var(--soft); font-weight: 600; }
        tr.bottleneck th, tr.bottleneck td { background: var(--alert-soft); }
        footer { margin-top: 40px; padding-top: 12px; border-top: 1px solid var(--line); font-size: 0.85rem; }
        @media print {
          body { font-size: 10pt; }
          main { max-width: none; padding: 0; }
          nav { display: none; }
          section, figure, tr { break-inside: avoid; }
          .table-wrap { overflow: visible; }
          * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        }
        """;
}
