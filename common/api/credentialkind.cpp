#include "api/credentialkind.h"

#include "api/credential.h"
#include "api/keys.h"
#include "api/validation.h"

#include <QJsonDocument>
#include <QRegularExpression>

namespace tap::api {

using core::Result;

std::optional<CredentialKind> parseCredentialKind(QStringView text)
{
    if (text == u"static")
        return CredentialKind::Static;
    if (text == u"oauth1")
        return CredentialKind::OAuth1;
    if (text == u"aws_sigv4")
        return CredentialKind::AwsSigV4;
    return std::nullopt;
}

QString credentialKindName(CredentialKind kind)
{
    switch (kind) {
    case CredentialKind::OAuth1:
        return QStringLiteral("oauth1");
    case CredentialKind::AwsSigV4:
        return QStringLiteral("aws_sigv4");
    case CredentialKind::Static:
        break;
    }
    return QStringLiteral("static");
}

QStringList requiredParts(CredentialKind kind)
{
    switch (kind) {
    case CredentialKind::OAuth1:
        return { QStringLiteral("consumer_key"), QStringLiteral("consumer_secret"),
                 QStringLiteral("token"), QStringLiteral("token_secret") };
    case CredentialKind::AwsSigV4:
        return { QStringLiteral("access_key_id"), QStringLiteral("secret_access_key") };
    case CredentialKind::Static:
        break;
    }
    return {};
}

QStringList optionalParts(CredentialKind kind)
{
    if (kind == CredentialKind::AwsSigV4)
        return { QStringLiteral("session_token") };
    return {};
}

Result<QJsonObject> checkParts(CredentialKind kind, const QJsonObject &parts)
{
    const QStringList required = requiredParts(kind);
    const QStringList optional = optionalParts(kind);
    const QString accepted = (required + optional).join(QStringLiteral(", "));
    const auto part = [](const QString &name) -> QString { return key::kValue + u'.' + name; };
    for (auto it = parts.begin(); it != parts.end(); ++it) {
        if (!required.contains(it.key()) && !optional.contains(it.key()))
            return invalidField(part(it.key()),
                                QStringLiteral("Unknown part \"%1\" of a %2 credential; its parts "
                                               "are %3.")
                                        .arg(quoted(it.key()), credentialKindName(kind), accepted));
        const QString value = it.value().toString();
        const bool control = std::any_of(value.begin(), value.end(), [](QChar c) {
            return c.unicode() < 0x20 || c == u'\x7f';
        });
        if (!it.value().isString() || value.isEmpty() || control)
            return invalidField(part(it.key()),
                                QStringLiteral("value.%1 must be a non-empty string without "
                                               "control characters.")
                                        .arg(it.key()));
    }
    for (const QString &name : required) {
        if (!parts.contains(name))
            return invalidField(part(name),
                                QStringLiteral("value.%1 is required for a %2 credential (its "
                                               "parts are %3).")
                                        .arg(name, credentialKindName(kind), accepted));
    }
    if (QJsonDocument(parts).toJson(QJsonDocument::Compact).size() > kMaxCredentialValueBytes)
        return invalidField(key::kValue, QStringLiteral("value is larger than 64 KiB."));
    return parts;
}

Result<CredentialKind> decodeCredentialKind(const QJsonObject &body)
{
    const QJsonValue value = body.value(key::kKind);
    const auto kind = parseCredentialKind(value.toString());
    if (!value.isString() || !kind)
        return invalidField(key::kKind,
                            QStringLiteral("kind must be \"static\", \"oauth1\" or "
                                           "\"aws_sigv4\"."));
    return *kind;
}

Result<QJsonObject> decodeParts(CredentialKind kind, const QJsonValue &value)
{
    if (kind == CredentialKind::Static)
        return invalidField(key::kValue,
                            QStringLiteral("value must be a string; an object of parts needs a "
                                           "signing kind."));
    if (!value.isObject())
        return invalidField(key::kValue,
                            QStringLiteral("value must be an object of the credential's parts: "
                                           "%1.")
                                    .arg((requiredParts(kind) + optionalParts(kind))
                                                 .join(QStringLiteral(", "))));
    return checkParts(kind, value.toObject());
}

// The rules of a kind between fields (part of Credential::validate()).
Result<void> Credential::validateKind() const
{
    const QString kindName = credentialKindName(kind);
    if (kind != CredentialKind::Static && connector != Connector::Direct)
        return invalidField(key::kConnector,
                            QStringLiteral("A %1 credential is signed by tapd: its connector "
                                           "must be \"direct\".")
                                    .arg(kindName));
    if (kind != CredentialKind::Static && !bodyPlaceholderFields.isEmpty())
        return invalidField(
                key::kBodyPlaceholderFields,
                QStringLiteral("A %1 credential cannot be a body placeholder.").arg(kindName));
    const bool aws = kind == CredentialKind::AwsSigV4;
    for (const auto &[field, value] :
         { std::pair{ key::kRegion, region }, std::pair{ key::kSigningService, service } }) {
        if (aws && value.isEmpty())
            return invalidField(
                    field,
                    QStringLiteral("%1 is required for an aws_sigv4 credential.").arg(field));
        if (!aws && !value.isEmpty())
            return invalidField(
                    field, QStringLiteral("%1 is only for an aws_sigv4 credential.").arg(field));
    }
    return {};
}

Result<void> checkSigningSetting(const QString &key, const QString &value)
{
    static const QRegularExpression shape(QStringLiteral("^[a-z0-9-]{1,64}\\z"));
    if (!shape.match(value).hasMatch())
        return invalidField(key,
                            QStringLiteral("%1 must be 1 to 64 lower-case letters, digits or "
                                           "'-' (e.g. us-east-1, s3).")
                                    .arg(key));
    return {};
}

} // namespace tap::api
