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

  async function start() {
    if (!window.WebChat) {
      showStatus('The chat could not load. Please refresh the page.');
      return;
    }

    const userID = newUserId();
    let token;
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
      { directLine: directLine, userID: userID, locale: 'en-GB', styleOptions: styleOptions },
      document.getElementById('webchat')
    );
  }

  start();
}());
