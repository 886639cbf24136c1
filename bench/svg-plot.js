// A small hand-written SVG line plot (no dependency): panels side by side, each with a few series of
// (x, y) points, a logarithmic or linear y axis, ticks, a legend. Used for wall time vs worker count.
'use strict';

const escapeXml = (s) =>
  String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (v) =>
  v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1).replace(/\.0$/, '') : String(+v.toPrecision(2));

/** Tick values for a log axis: 1, 2, 5 × powers of ten inside [lo, hi]. */
function logTicks(lo, hi) {
  const ticks = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++)
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo * 0.999 && v <= hi * 1.001) ticks.push(v);
    }
  return ticks;
}

/** About five round tick values for a linear axis from 0 to hi. */
function linearTicks(hi) {
  const raw = hi / 5;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw);
  const ticks = [];
  for (let v = 0; v <= hi * 1.0001; v += step) ticks.push(+v.toPrecision(6));
  return ticks;
}

/**
 * @param {{ title: string, xLabel: string, yLabel: string, logY?: boolean,
 *   panels: { title: string, series: { name: string, color: string, dash?: string,
 *     points: [number, number][] }[] }[] }} plot
 * @returns {string} an SVG document
 */
function linePlot(plot) {
  const panelW = 420;
  const panelH = 300;
  const margin = { left: 64, right: 16, top: 56, bottom: 92 };
  const width = margin.left + plot.panels.length * panelW + margin.right;
  const height = margin.top + panelH + margin.bottom;
  const all = plot.panels.flatMap((p) => p.series.flatMap((s) => s.points));
  const xs = [...new Set(all.map(([x]) => x))].sort((a, b) => a - b);
  const ys = all.map(([, y]) => y).filter((y) => y > 0);
  const logY = plot.logY ?? false;
  const yLo = logY ? 10 ** Math.floor(Math.log10(Math.min(...ys))) : 0;
  const yHi = logY ? 10 ** Math.ceil(Math.log10(Math.max(...ys))) : Math.max(...ys) * 1.1;
  const xLo = Math.min(...xs);
  const xHi = Math.max(...xs);
  const innerW = panelW - 40;
  const sx = (x) => (xHi === xLo ? innerW / 2 : ((x - xLo) / (xHi - xLo)) * innerW);
  const sy = (y) =>
    logY
      ? panelH - ((Math.log10(y) - Math.log10(yLo)) / (Math.log10(yHi) - Math.log10(yLo))) * panelH
      : panelH - ((y - yLo) / (yHi - yLo)) * panelH;
  const yTicks = logY ? logTicks(yLo, yHi) : linearTicks(yHi);
  const out = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(plot.title)}</text>`,
  );
  plot.panels.forEach((panel, i) => {
    const ox = margin.left + i * panelW;
    const oy = margin.top;
    out.push(`<g transform="translate(${ox},${oy})">`);
    out.push(
      `<text x="${innerW / 2}" y="-10" text-anchor="middle" font-size="13" font-weight="bold">${escapeXml(panel.title)}</text>`,
    );
    for (const t of yTicks) {
      const y = sy(t).toFixed(1);
      out.push(
        `<line x1="0" x2="${innerW}" y1="${y}" y2="${y}" stroke="#ddd"/>`,
        `<text x="-6" y="${y}" text-anchor="end" dominant-baseline="middle">${fmt(t)}</text>`,
      );
    }
    for (const x of xs) {
      const px = sx(x).toFixed(1);
      out.push(
        `<line x1="${px}" x2="${px}" y1="0" y2="${panelH}" stroke="#eee"/>`,
        `<text x="${px}" y="${panelH + 16}" text-anchor="middle">${fmt(x)}</text>`,
      );
    }
    out.push(`<rect x="0" y="0" width="${innerW}" height="${panelH}" fill="none" stroke="#333"/>`);
    out.push(
      `<text x="${innerW / 2}" y="${panelH + 34}" text-anchor="middle">${escapeXml(plot.xLabel)}</text>`,
    );
    if (i === 0)
      out.push(
        `<text transform="translate(-46,${panelH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(plot.yLabel)}</text>`,
      );
    for (const s of panel.series) {
      const pts = s.points.filter(([, y]) => y > 0 || !logY).sort((a, b) => a[0] - b[0]);
      if (pts.length === 0) continue;
      const d = pts.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
      out.push(
        `<polyline points="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`,
      );
      for (const [x, y] of pts)
        out.push(
          `<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3" fill="${s.color}"><title>${escapeXml(`${s.name}: ${fmt(y)} at ${x}`)}</title></circle>`,
        );
    }
    // legend under the panel
    panel.series.forEach((s, j) => {
      const ly = panelH + 52 + j * 14;
      out.push(
        `<line x1="0" x2="24" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`,
        `<text x="30" y="${ly}" dominant-baseline="middle">${escapeXml(s.name)}</text>`,
      );
    });
    out.push('</g>');
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

module.exports = { linePlot };
