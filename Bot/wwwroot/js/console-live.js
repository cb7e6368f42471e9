// The console's list and escalation pages: every few seconds, asks whether anything changed (a concern, a message, a status).
// If so, and nothing is being typed in the reply box, the page reloads; otherwise it says new messages are waiting, so
// a half-written reply is never lost. The console works without this script; it only saves pressing reload.
(function () {
  'use strict';

  const meta = document.querySelector('meta[name="policybot-stamp"]');
  if (!meta) {
    return;
  }

  const url = new URL(meta.content, window.location.href);
  const since = url.searchParams.get('since');
  url.searchParams.delete('since');
  const reload = document.querySelector('meta[name="policybot-reload"]');
  const notice = document.getElementById('live');
  const reply = document.getElementById('reply');

  async function check() {
    try {
      const response = await fetch(url.pathname + url.search, { credentials: 'same-origin', headers: { Accept: 'text/plain' } });
      if (!response.ok) {
        return;
      }
      const stamp = (await response.text()).trim();
      if (stamp === since) {
        return;
      }
      if (!reply || reply.value.trim() === '') {
        // Redrawn as "auto", which the console does not audit as a new look.
        window.location.replace(reload && reload.content ? reload.content : window.location.pathname);
        return;
      }
      if (notice) {
        notice.textContent = 'There is something new in this conversation. Send your reply, or reload the page to see it.';
        notice.hidden = false;
      }
    } catch (e) {
      // Offline or restarting: the next check tries again.
    }
  }

  window.setInterval(check, 5000);
}());
