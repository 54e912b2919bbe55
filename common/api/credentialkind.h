#pragma once

#include "core/result.h"

#include <QJsonObject>
#include <QStringList>

#include <optional>

namespace tap::api {

// What a credential is (README "Signing credentials"): a static value injected as a header
// (every credential before kinds existed), or the secret parts of a request signature tapd
// computes per request: OAuth 1.0a (RFC 5849, HMAC-SHA1) or AWS Signature Version 4.
enum class CredentialKind { Static, OAuth1, AwsSigV4 };

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

} // namespace tap::api
