#include "api/credentialkind.h"

#include "api/credential.h"
#include "api/keys.h"
#include "api/validation.h"

#include <QJsonArray>
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
    if (text == u"oauth2")
        return CredentialKind::OAuth2;
    return std::nullopt;
}

QString credentialKindName(CredentialKind kind)
{
    switch (kind) {
    case CredentialKind::OAuth1:
        return QStringLiteral("oauth1");
    case CredentialKind::AwsSigV4:
        return QStringLiteral("aws_sigv4");
    case CredentialKind::OAuth2:
        return QStringLiteral("oauth2");
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
    case CredentialKind::OAuth2:
        return { QStringLiteral("client_id"), QStringLiteral("client_secret") };
    case CredentialKind::Static:
        break;
    }
    return {};
}

QStringList optionalParts(CredentialKind kind)
{
    if (kind == CredentialKind::AwsSigV4)
        return { QStringLiteral("session_token") };
    if (kind == CredentialKind::OAuth2) // absent until the credential is connected
        return { QStringLiteral("refresh_token") };
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
                            QStringLiteral("kind must be \"static\", \"oauth1\", "
                                           "\"aws_sigv4\" or \"oauth2\"."));
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
    for (const QString &field : kindSettingKeys()) {
        const bool own = settingKind(field) == kind;
        const QString owner = credentialKindName(settingKind(field));
        const QString article = owner.startsWith(u'a') || owner.startsWith(u'o')
                ? QStringLiteral("an")
                : QStringLiteral("a");
        if (own && settingRequired(field) && setting(field)->isEmpty())
            return invalidField(field,
                                QStringLiteral("%1 is required for %2 %3 credential.")
                                        .arg(field, article, owner));
        if (!own && !setting(field)->isEmpty())
            return invalidField(
                    field,
                    QStringLiteral("%1 is only for %2 %3 credential.").arg(field, article, owner));
    }
    return {};
}

QString *Credential::setting(QStringView key)
{
    return const_cast<QString *>(std::as_const(*this).setting(key));
}

const QString *Credential::setting(QStringView key) const
{
    if (key == key::kRegion)
        return &region;
    if (key == key::kSigningService)
        return &service;
    if (key == key::kTokenUrl)
        return &tokenUrl;
    if (key == key::kAuthorizeUrl)
        return &authorizeUrl;
    if (key == key::kScopes)
        return &scopes;
    return nullptr;
}

void Credential::encodeKind(QJsonObject &o) const
{
    if (kind == CredentialKind::Static)
        return;
    o.insert(key::kKind, credentialKindName(kind));
    o.insert(key::kPartsSet, QJsonArray::fromStringList(partsSet));
    for (const QString &field : kindSettingKeys()) {
        if (settingKind(field) != kind)
            continue;
        const QString &value = *setting(field);
        // An optional setting that is not set is null on the wire.
        o.insert(field, value.isEmpty() && !settingRequired(field) ? QJsonValue() : value);
    }
    if (kind == CredentialKind::OAuth2)
        o.insert(key::kOAuthState, oauthState);
}

void Credential::decodeKind(const QJsonObject &o)
{
    kind = parseCredentialKind(o.value(key::kKind).toString()).value_or(CredentialKind::Static);
    for (const QString &field : kindSettingKeys())
        *setting(field) = o.value(field).toString();
    oauthState = o.value(key::kOAuthState).toString();
    partsSet.clear();
    const QJsonArray parts = o.value(key::kPartsSet).toArray();
    for (const QJsonValue &v : parts)
        partsSet << v.toString();
}

QStringList kindSettingKeys()
{
    return { key::kRegion, key::kSigningService, key::kTokenUrl, key::kAuthorizeUrl, key::kScopes };
}

CredentialKind settingKind(QStringView key)
{
    if (key == key::kRegion || key == key::kSigningService)
        return CredentialKind::AwsSigV4;
    return CredentialKind::OAuth2;
}

bool settingRequired(QStringView key)
{
    return key == key::kRegion || key == key::kSigningService || key == key::kTokenUrl;
}

Result<QJsonObject> decodeKindSettings(const QJsonObject &body)
{
    const JsonFields f(body);
    QJsonObject out;
    for (const QString &field : kindSettingKeys()) {
        if (!f.has(field))
            continue;
        auto text = tagged(f.string(field, false), field);
        if (!text)
            return text.error();
        Result<void> checked;
        if (settingKind(field) == CredentialKind::AwsSigV4)
            checked = checkSigningSetting(field, *text);
        else if (field == key::kScopes)
            checked = checkScopes(*text);
        else if (auto url = tagged(checkHttpUrl(field, *text), field); !url && !text->isEmpty())
            checked = url.error();
        if (!checked)
            return checked.error();
        out.insert(field, *text);
    }
    return out;
}

Result<void> checkScopes(const QString &scopes)
{
    // scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), separated by single spaces (RFC 6749 §3.3)
    static const QRegularExpression shape(QStringLiteral(
            "^([\\x21\\x23-\\x5b\\x5d-\\x7e]+( [\\x21\\x23-\\x5b\\x5d-\\x7e]+)*)?\\z"));
    if (scopes.size() > 1024 || !shape.match(scopes).hasMatch())
        return invalidField(key::kScopes,
                            QStringLiteral("scopes must be OAuth 2.0 scope tokens separated by "
                                           "single spaces (e.g. \"read write\"), at most 1024 "
                                           "characters."));
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
