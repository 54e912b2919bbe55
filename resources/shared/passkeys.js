// The "Your passkeys" panel of the approval page and the dashboard (the same element ids on
// both: #passkeys, #passkey-list, #passkey-name, #register-passkey, #reauth, #reauth-password,
// #reauth-button): list, register on this device, remove. Adding or removing a passkey needs
// fresh proof on the session: an assertion of one of the member's passkeys, or (without any)
// the password, asked for in the #reauth form. Needs tap.js; `status` shows a sentence.
'use strict';

function passkeyPanel(status) {
  let passkeys = null; // the last GET /admin/passkeys

  async function load() {
    passkeys = await tapCall('GET', '/admin/passkeys');
    $('passkeys').hidden = false;
    const ul = $('passkey-list');
    ul.textContent = '';
    for (const p of passkeys.items) {
      const li = document.createElement('li');
      li.textContent = p.name + ' (added ' + p.created_at + ') ';
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'remove-passkey';
      remove.textContent = 'Remove';
      remove.addEventListener('click', () => removePasskey(p));
      li.appendChild(remove);
      ul.appendChild(li);
    }
    if (!passkeys.items.length) {
      const li = document.createElement('li');
      li.textContent = 'None yet.';
      ul.appendChild(li);
    }
  }

  async function confirmWithPasskey() {
    status('Confirm with one of your passkeys…');
    const options = await tapCall('POST', '/admin/reauth/passkey/begin', {});
    await tapCall('POST', '/admin/reauth/passkey/finish', await assertWith(options));
  }

  async function withFreshProof(action) {
    try {
      return await action();
    } catch (e) {
      if (e.code !== 'reauth_required') throw e;
      if (!passkeys || passkeys.reauth.with !== 'passkey') {
        $('reauth').hidden = false;
        $('reauth-password').focus();
        const error = new Error('Enter your password to confirm that it is you.');
        error.code = 'password_needed';
        throw error;
      }
      await confirmWithPasskey();
      return action();
    }
  }

  async function createPasskey() {
    const o = await tapCall('POST', '/admin/passkeys/register/begin', {});
    const credential = await navigator.credentials.create({ publicKey: {
      challenge: b64urlToBytes(o.challenge),
      rp: o.rp,
      user: { id: b64urlToBytes(o.user.id), name: o.user.name, displayName: o.user.display_name },
      pubKeyCredParams: o.pub_key_cred_params.map((alg) => ({ type: 'public-key', alg })),
      timeout: o.timeout_ms,
      attestation: 'none',
      authenticatorSelection: { userVerification: 'required', residentKey: 'preferred' },
      excludeCredentials: o.exclude_credentials.map((id) => ({ type: 'public-key', id: b64urlToBytes(id) })),
    } });
    await tapCall('POST', '/admin/passkeys/register/finish', {
      challenge_id: o.challenge_id,
      name: $('passkey-name').value,
      client_data_json: bytesToB64url(credential.response.clientDataJSON),
      attestation_object: bytesToB64url(credential.response.attestationObject),
    });
  }

  async function registerPasskey() {
    $('register-passkey').disabled = true;
    status('Registering a passkey…');
    try {
      await withFreshProof(createPasskey);
      status('Passkey registered.');
      await load();
    } catch (e) {
      status(e.message);
    } finally {
      $('register-passkey').disabled = false;
    }
  }

  async function removePasskey(p) {
    status('Removing the passkey ' + p.name + '…');
    try {
      await withFreshProof(() => tapCall('DELETE', '/admin/passkeys/' + encodeURIComponent(p.id)));
      status('Passkey removed.');
      await load();
    } catch (e) {
      status(e.message);
    }
  }

  $('register-passkey').addEventListener('click', registerPasskey);
  $('reauth').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('reauth-button').disabled = true;
    try {
      await tapCall('POST', '/admin/reauth', { password: $('reauth-password').value });
      $('reauth-password').value = '';
      $('reauth').hidden = true;
      await registerPasskey();
    } catch (e) {
      status(e.message);
    } finally {
      $('reauth-button').disabled = false;
    }
  });
  return { load, count: () => (passkeys ? passkeys.items.length : 0) };
}
