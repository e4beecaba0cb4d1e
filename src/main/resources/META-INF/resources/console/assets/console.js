// Batchwire console: live updates by Server-Sent Events (no polling). Plain JS, vendored; the pages work without it.
(function () {
  'use strict';

  var SPARK_POINTS = 60;
  var series = {};

  function follow(url, onUpdate) {
    if (!window.EventSource) { return; }
    var source = new EventSource(url);
    source.onmessage = function (e) {
      var update;
      try { update = JSON.parse(e.data); } catch (err) { return; }
      if (onUpdate(update) === false) { source.close(); }
    };
    source.onerror = function () {
      // the browser reconnects by itself; a stream the server ended for good (401) stays closed
      if (source.readyState === EventSource.CLOSED) { source.close(); }
    };
    window.addEventListener('pagehide', function () { source.close(); });
  }

  function setText(root, field, value) {
    var nodes = root.querySelectorAll('[data-field="' + field + '"]');
    for (var i = 0; i < nodes.length; i++) {
      if (nodes[i].tagName === 'PROGRESS') { nodes[i].value = value; nodes[i].textContent = value + ' %'; }
      else { nodes[i].textContent = value; }
    }
  }

  function updateJob(job) {
    var rows = document.querySelectorAll('[data-job="' + job.id + '"]');
    for (var i = 0; i < rows.length; i++) {
      var row = rows[i];
      setText(row, 'progress', job.progress);
      setText(row, 'progressText', job.progress_text);
      setText(row, 'succeeded', job.succeeded);
      setText(row, 'failed', job.failed);
      setText(row, 'timedOut', job.timed_out);
      setText(row, 'cancelled', job.cancelled);
      setText(row, 'pending', job.pending);
      var states = row.querySelectorAll('[data-field="state"]');
      for (var s = 0; s < states.length; s++) { states[s].textContent = job.state; states[s].className = 'state state-' + job.state; }
    }
    var badge = document.querySelector('[data-job-state]');
    if (badge && document.getElementById('job') && document.getElementById('job').getAttribute('data-job') === job.id) {
      badge.textContent = job.state;
      badge.className = 'state state-' + job.state;
      if (job.done) {
        var note = document.querySelector('[data-when-done]');
        if (note) { note.hidden = false; }
        var cancel = document.getElementById('cancel-form');
        if (cancel) { cancel.hidden = true; }
      }
    }
  }

  function spark(row, name, value) {
    var key = row.getAttribute('data-upstream') + '/' + name;
    var points = series[key] || (series[key] = []);
    points.push(value);
    if (points.length > SPARK_POINTS) { points.shift(); }
    var svg = row.querySelector('[data-spark="' + name + '"] polyline');
    if (!svg) { return; }
    var max = Math.max.apply(null, points.concat([1]));
    // from the left edge as points arrive; once full, the oldest scrolls off
    var step = 120 / Math.max(SPARK_POINTS - 1, 1);
    svg.setAttribute('points', points.map(function (v, i) {
      return (i * step).toFixed(1) + ',' + (22 - 20 * v / max).toFixed(1);
    }).join(' '));
  }

  function ms(v) { return v === null || v === undefined ? '—' : Math.round(v) + ' ms'; }

  function updateUpstream(u) {
    var row = document.querySelector('[data-upstream="' + u.type + '"]');
    if (!row) { return; }
    setText(row, 'inFlight', u.in_flight);
    setText(row, 'waiting', u.waiting);
    setText(row, 'recordsPerSecond', u.records_per_second);
    setText(row, 'p50', ms(u.p50_ms));
    setText(row, 'p99', ms(u.p99_ms));
    setText(row, 'share429', u.share429 + ' %');
    setText(row, 'share5xx', u.share5xx + ' %');
    spark(row, 'recordsPerSecond', u.records_per_second);
    spark(row, 'inFlight', u.in_flight);
  }

  function start() {
    var ids = [];
    var holders = document.querySelectorAll('[data-live-jobs]');
    for (var i = 0; i < holders.length; i++) {
      holders[i].getAttribute('data-live-jobs').split(',').forEach(function (id) { if (id) { ids.push(id); } });
    }
    var upstreams = document.querySelector('[data-live-upstreams]') !== null;
    if (!ids.length && !upstreams) { return; }
    var url = '/console/live?' + (ids.length ? 'jobs=' + encodeURIComponent(ids.join(',')) : '') + (upstreams ? '&upstreams=true' : '');
    follow(url, function (update) {
      (update.jobs || []).forEach(updateJob);
      (update.upstreams || []).forEach(updateUpstream);
      document.documentElement.setAttribute('data-live-at', update.at);
      if (!upstreams && update.jobs && update.jobs.length && update.jobs.every(function (j) { return j.done; })) {
        return false;
      }
      return true;
    });
  }

  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', start); } else { start(); }
})();
