import { describe, expect, it } from 'vitest';
import { escapeXml, formatTick, lineChart, logTicks, niceTicks } from './svg-chart.js';

describe('ticks', () => {
  it('chooses 1-2-5 steps covering the range', () => {
    expect(niceTicks(0, 0.93, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 500, 5)).toEqual([0, 100, 200, 300, 400, 500]);
    expect(niceTicks(0.21, 2.31, 5)).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
    expect(niceTicks(3, 3).length).toBeGreaterThan(1);
  });

  it('uses decades on a log axis, finer when the range is narrow', () => {
    expect(logTicks(0.003, 2)).toEqual([0.001, 0.01, 0.1, 1, 10]);
    expect(logTicks(0.3, 0.9)).toEqual([0.1, 0.2, 0.5, 1]);
  });

  it('formats ticks briefly', () => {
    expect(formatTick(0.0002)).toBe('2e-4');
    expect(formatTick(0.25)).toBe('0.25');
    expect(formatTick(1500)).toBe('1500');
    expect(formatTick(1e-9)).toBe('1e-9');
  });
});

describe('lineChart', () => {
  const series = [
    {
      label: 'a<b',
      color: '#111111',
      points: [
        { x: 0, y: 0 },
        { x: 10, y: 1 },
      ],
    },
    {
      label: 'gap',
      color: '#222222',
      points: [
        { x: 0, y: 0.5 },
        { x: 5, y: Number.NaN },
        { x: 10, y: 0.5 },
      ],
      band: [
        { x: 0, lo: 0.4, hi: 0.6 },
        { x: 10, lo: 0.4, hi: 0.6 },
      ],
      dashed: true,
    },
  ];
  const svg = lineChart({
    title: 'T & t',
    xLabel: 'step',
    yLabel: 'acc',
    series,
    width: 600,
    height: 400,
    yDomain: [0, 1],
  });

  it('maps data to the plot area: (0, 0) bottom-left, (10, 1) top-right', () => {
    // Plot area: left 70, top 40, bottom margin 52; legend width min(220, 28 + 7 * 8) = 84, right margin 100.
    expect(svg).toContain('d="M70,348L500,40"');
  });

  it('breaks a line at non-finite values, shades bands and dashes references', () => {
    expect(svg).toContain('d="M70,194M500,194"');
    expect(svg).toMatch(
      /<polygon points="70,[\d.]+ 500,[\d.]+ 500,[\d.]+ 70,[\d.]+" fill="#222222" fill-opacity="0.18"/,
    );
    expect(svg).toContain('stroke-dasharray="6 4"');
  });

  it('escapes text and labels the legend', () => {
    expect(svg).toContain('>T &amp; t</text>');
    expect(svg).toContain('>a&lt;b</text>');
    expect(escapeXml(`"'`)).toBe('&quot;&#39;');
  });

  it('drops non-positive values on a log axis', () => {
    const log = lineChart({
      title: 'log',
      xLabel: 'x',
      yLabel: 'y',
      yScale: 'log',
      series: [
        {
          label: 's',
          color: '#000',
          points: [
            { x: 1, y: 0 },
            { x: 2, y: 0.01 },
            { x: 3, y: 1 },
          ],
        },
      ],
    });
    expect(log).toMatch(/d="M[\d.]+,[\d.]+L[\d.]+,[\d.]+"/);
    expect(log).toContain('>0.01</text>');
  });
});
