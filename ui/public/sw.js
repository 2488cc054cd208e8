/* frontdesk service worker: shows Web Push alerts and opens the lead on click.
 * Plain JavaScript served as /sw.js (scope /). No caching of the app: the
 * server already caches /assets/* forever and revalidates the rest.
 * The pure helpers are exported on `self.frontdeskSw` for the unit test
 * (src/lib/sw.test.ts), which runs this file against a fake `self`. */
/* global self, clients */
'use strict';

(function () {
  /** The notification a push payload (JSON `{title, body, url, lead_id, kind, alert_id}`) asks for. */
  function notificationFor(payload) {
    var p = payload && typeof payload === 'object' ? payload : {};
    var url = typeof p.url === 'string' && p.url.charAt(0) === '/' && p.url.charAt(1) !== '/' ? p.url : '/';
    return {
      title: typeof p.title === 'string' && p.title ? p.title : 'frontdesk',
      options: {
        body: typeof p.body === 'string' ? p.body : '',
        icon: '/icons/icon-192.png',
        badge: '/icons/icon-192.png',
        tag: typeof p.alert_id === 'number' ? 'alert-' + p.alert_id : undefined,
        data: { url: url, lead_id: typeof p.lead_id === 'number' ? p.lead_id : null },
      },
    };
  }

  function parse(event) {
    if (!event.data) return {};
    try {
      return event.data.json();
    } catch (e) {
      return { title: event.data.text() };
    }
  }

  /** Focuses an open window of the app on `url`, else opens one. */
  function openUrl(url) {
    var target = new URL(url, self.location.origin).href;
    return self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then(function (list) {
      for (var i = 0; i < list.length; i++) {
        var c = list[i];
        if (new URL(c.url).origin === self.location.origin && 'focus' in c) {
          return (c.navigate ? c.navigate(target) : Promise.resolve(c)).then(function (w) {
            return (w || c).focus();
          });
        }
      }
      return self.clients.openWindow(target);
    });
  }

  self.addEventListener('install', function () {
    self.skipWaiting();
  });
  self.addEventListener('activate', function (event) {
    event.waitUntil(self.clients.claim());
  });
  self.addEventListener('push', function (event) {
    var n = notificationFor(parse(event));
    event.waitUntil(self.registration.showNotification(n.title, n.options));
  });
  self.addEventListener('notificationclick', function (event) {
    event.notification.close();
    var data = event.notification.data || {};
    event.waitUntil(openUrl(typeof data.url === 'string' ? data.url : '/'));
  });

  self.frontdeskSw = { notificationFor: notificationFor, openUrl: openUrl };
})();
