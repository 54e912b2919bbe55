#pragma once

#include "core/result.h"

#include <QJsonObject>
#include <QStringList>

#include <optional>

namespace tap::api {

// What a credential is (README "Signing credentials"): a static value injected as a header
// (every credential before kinds existed), the secret parts of a request signature tapd
// computes per request: OAuth 1.0a (RFC 5849, HMAC-SHA1) or AWS Signature Version 4, or an
// OAuth 2.0 client whose access token tapd obtains with the refresh token and injects as
// "Authorization: Bearer <token>" (README "OAuth 2.0 credentials").
enum class CredentialKind { Static, OAuth1, AwsSigV4, OAuth2 };

std::optional<CredentialKind> parseCredentialKind(QStringView text);
QString credentialKindName(CredentialKind kind);

// The secret parts of a signing kind: every required part must be set, optional ones may be.
// Empty for static.
QStringList requiredParts(CredentialKind kind);
QStringList optionalParts(CredentialKind kind);

// A signing kind's value as sent by an admin ({"consumer_key": "...", ...}): only the kind's
// parts, each a non-empty string without control characters, every required one present, at
// most kMaxCredentialValueBytes in all. Errors (InvalidRequest) name the part
// (field "value.<part>"). Answers the object with the parts that are set.
core::Result<QJsonObject> checkParts(CredentialKind kind, const QJsonObject &parts);

// "kind" of a request body (present): one of the three names, else InvalidRequest.
core::Result<CredentialKind> decodeCredentialKind(const QJsonObject &body);
// "value" of a body with `kind`: an object of parts for a signing kind (checkParts()); an
// object for static, or anything but an object for a signing kind, is refused.
core::Result<QJsonObject> decodeParts(CredentialKind kind, const QJsonValue &value);

// region and service of aws_sigv4: 1 to 64 of [a-z0-9-].
core::Result<void> checkSigningSetting(const QString &key, const QString &value);

// The visible settings of the kinds (stored in kind_settings): aws_sigv4 "region" and
// "service" (required); oauth2 "token_url" (required), "authorize_url" and "scopes".
QStringList kindSettingKeys();
// The kind a setting belongs to, and whether that kind requires it.
CredentialKind settingKind(QStringView key);
bool settingRequired(QStringView key);
// The settings present (and not null) in a create/update body, each checked on its own:
// region/service checkSigningSetting(), token_url/authorize_url an http(s) URL, scopes
// checkScopes(). An empty string is kept (it clears an optional setting; a required one is
// then refused by Credential::validateKind()).
core::Result<QJsonObject> decodeKindSettings(const QJsonObject &body);
// oauth2 scopes: space-separated RFC 6749 §3.3 scope tokens (printable ASCII but '"' and '\\'),
// at most 1024 characters.
core::Result<void> checkScopes(const QString &scopes);

} // namespace tap::api
