#include "api/credentialconnect.h"

#include "api/keys.h"
#include "api/validation.h"

#include <QUrl>

namespace tap::api {

using core::Result;

namespace {

const QLatin1String kAuthorizationUrl{ "authorization_url" };
const QLatin1String kRedirectUri{ "redirect_uri" };

} // namespace

QJsonObject CredentialConnect::encode() const
{
    return { { key::kName, name },
             { key::kScopeKind, scopeKindName(scope.kind) },
             { key::kScopeId, scope.id.isEmpty() ? QJsonValue() : QJsonValue(scope.id) },
             { kAuthorizationUrl, authorizationUrl },
             { kRedirectUri, redirectUri },
             { key::kExpiresAt, expiresAt } };
}

Result<CredentialConnect> CredentialConnect::decode(const QJsonObject &body)
{
    CredentialConnect c;
    c.name = body.value(key::kName).toString();
    c.scope = { parseScopeKind(body.value(key::kScopeKind).toString()).value_or(ScopeKind::Team),
                body.value(key::kScopeId).toString() };
    c.authorizationUrl = body.value(kAuthorizationUrl).toString();
    c.redirectUri = body.value(kRedirectUri).toString();
    c.expiresAt = body.value(key::kExpiresAt).toString();
    const QUrl url(c.authorizationUrl, QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != u"https" && url.scheme() != u"http")
        || url.host().isEmpty())
        return invalidField(kAuthorizationUrl,
                            QStringLiteral("authorization_url must be an http(s) URL."));
    return c;
}

} // namespace tap::api
