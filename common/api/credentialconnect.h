#pragma once

#include "api/credential.h"

namespace tap::api {

// POST /admin/credentials/{name}/connect?scope_kind=&scope_id= answers (README "Connecting an
// OAuth 2.0 credential") {"name", "scope_kind", "scope_id", "authorization_url",
// "redirect_uri", "expires_at"}: the admin opens authorization_url in a browser; the provider
// sends the browser back to redirect_uri (tapd's /oauth/callback) before expires_at.
struct CredentialConnect
{
    QString name;
    CredentialScope scope = {};
    QString authorizationUrl;
    QString redirectUri;
    QString expiresAt;

    QJsonObject encode() const;
    // For clients: authorization_url must be an http(s) URL.
    static core::Result<CredentialConnect> decode(const QJsonObject &body);
};

} // namespace tap::api
