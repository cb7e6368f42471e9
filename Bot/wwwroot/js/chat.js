// Starts a conversation with the bot's own Direct Line endpoint and renders the official Web Chat client.
(function () {
  'use strict';

  const directLineDomain = window.location.origin + '/v3/directline';
  const status = document.getElementById('status');

  function showStatus(text) {
    status.textContent = text;
    status.hidden = false;
  }

  // crypto.randomUUID exists only in secure contexts; a page opened by LAN address over http is not one.
  function newUserId() {
    const bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return 'dl_' + Array.from(bytes, function (b) { return b.toString(16).padStart(2, '0'); }).join('');
  }

  // The escalation console sends a signed-in Manager or Chair here with a token for a conversation already bound to
  // them, in the URL's fragment (never sent to a server). It is read once and removed from the address bar and history.
  function staffChatFromFragment() {
    const params = new URLSearchParams(window.location.hash.replace(/^#/, ''));
    const token = params.get('token');
    if (!token) {
      return null;
    }
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
    return { token: token, userID: params.get('user') || undefined, username: params.get('name') || undefined };
  }

  async function start() {
    if (!window.WebChat) {
      showStatus('The chat could not load. Please refresh the page.');
      return;
    }

    const staff = staffChatFromFragment();
    const userID = staff ? staff.userID : newUserId();
    let token = staff ? staff.token : null;
    if (!token) {
      try {
        // The token is bound to one new conversation and this user; Web Chat's own start call then starts it.
        const response = await fetch(directLineDomain + '/tokens/generate', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ user: { id: userID }, locale: 'en-GB' })
        });
        if (!response.ok) {
          throw new Error('HTTP ' + response.status);
        }
        token = (await response.json()).token;
      } catch (e) {
        showStatus('The assistant is not available right now. Please try again in a minute.');
        return;
      }
    }

    const directLine = window.WebChat.createDirectLine({
      domain: directLineDomain,
      token: token,
      // Polling only: the endpoint serves no WebSocket stream.
      webSocket: false,
      pollingInterval: 500
    });

    const styleOptions = {
      accent: '#2f7d5b',
      backgroundColor: '#ffffff',
      bubbleBackground: '#eef3ef',
      bubbleBorderRadius: 12,
      bubbleBorderWidth: 0,
      bubbleFromUserBackground: '#2f7d5b',
      bubbleFromUserTextColor: '#ffffff',
      bubbleFromUserBorderRadius: 12,
      bubbleFromUserBorderWidth: 0,
      bubbleMaxWidth: 560,
      botAvatarInitials: 'WW',
      botAvatarBackgroundColor: '#2f7d5b',
      userAvatarInitials: 'You',
      userAvatarBackgroundColor: '#5d6b63',
      // The upload button attaches a photo to a draft post; the bot keeps it in memory only, with the conversation.
      uploadAccept: 'image/*,video/*',
      uploadMultiple: false,
      sendBoxTextWrap: true,
      sendBoxButtonColor: '#2f7d5b',
      primaryFont: '"Segoe UI", system-ui, -apple-system, "Helvetica Neue", Arial, sans-serif',
      rootHeight: '100%',
      rootWidth: '100%'
    };

    window.WebChat.renderWebChat(
      { directLine: directLine, userID: userID, username: staff ? staff.username : undefined, locale: 'en-GB', styleOptions: styleOptions },
      document.getElementById('webchat')
    );
  }

  start();
}());
