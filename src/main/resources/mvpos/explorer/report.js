'use strict';
// Draws the charts of a report page from the JSON beside it, with uPlot.
(function () {
  const specs = JSON.parse(document.getElementById('charts').textContent);
  const colors = ['#2f6fb5', '#1f9e4a', '#b5651d', '#6a3fb5', '#b3261e', '#008b8b', '#7d8a97'];
  document.querySelectorAll('[data-chart]').forEach(target => {
    const spec = specs[Number(target.getAttribute('data-chart'))];
    const series = [{label: spec.xLabel}].concat(spec.series.map((s, i) => ({
      label: s.label, stroke: colors[i % colors.length], width: 2, spanGaps: false
    })));
    new uPlot({
      title: spec.title, width: Math.min(960, window.innerWidth - 60), height: 300,
      scales: {x: {time: false}},
      axes: [{label: spec.xLabel}, {label: spec.yLabel}],
      series: series
    }, [spec.x].concat(spec.series.map(s => s.values)), target);
  });
})();
