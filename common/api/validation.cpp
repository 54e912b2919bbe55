#include "api/validation.h"

#include "api/enums.h"
#include "api/keys.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QRegularExpression>
#include <QSet>

namespace tap::api {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

Error invalid(const QString &message)
{
    return Error(ErrorCode::InvalidRequest, message);
}

} // namespace

Error invalidField(const QString &field, const QString &message)
{
    return invalid(message).setField(field);
}

QString quoted(const QString &value)
{
    constexpr qsizetype kMax = 64;
    return value.size() <= kMax ? value : value.left(kMax) + QChar(0x2026);
}

Result<void> checkJsonDepth(QByteArrayView json, int maxDepth)
{
    int depth = 0;
    bool inString = false;
    for (qsizetype i = 0; i < json.size(); ++i) {
        const char c = json[i];
        if (inString) {
            if (c == '\\')
                ++i; // the escaped character cannot end the string
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > maxDepth)
                return invalid(QStringLiteral("The request body is nested more than %1 levels "
                                              "deep.")
                                       .arg(maxDepth));
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return {};
}

Result<QJsonObject> parseJsonObject(const QByteArray &body)
{
    if (body.trimmed().isEmpty())
        return QJsonObject();
    if (auto r = checkJsonDepth(body); !r)
        return r.error();
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        return invalid(QStringLiteral("The request body is not valid JSON (%1 at offset %2).")
                               .arg(error.errorString())
                               .arg(error.offset));
    if (!doc.isObject())
        return invalid(QStringLiteral("The request body must be a JSON object."));
    return doc.object();
}

Result<void> checkTeamName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]\\z"));
    if (!re.match(name).hasMatch())
        return invalidField(QString(key::kTeamName),
                            QStringLiteral("team_name must be 3-64 characters of lowercase "
                                           "letters, digits and hyphens, starting and ending "
                                           "with a letter or digit."));
    return {};
}

Result<void> checkEmail(const QString &email)
{
    static const QRegularExpression re(QStringLiteral("^[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+\\z"));
    if (email.size() > 254 || !re.match(email).hasMatch())
        return invalid(QStringLiteral("email must be a valid email address."));
    return {};
}

Result<void> checkPassword(const QString &password)
{
    if (password.size() < 8)
        return invalid(QStringLiteral("password must be at least 8 characters."));
    if (password.size() > 1024)
        return invalid(QStringLiteral("password must be at most 1024 characters."));
    return {};
}

Result<void> checkObjectName(const QString &field, const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\\z"));
    if (!re.match(name).hasMatch())
        return invalid(QStringLiteral("%1 must be 1-64 characters of letters, digits, '.', '_' "
                                      "and '-', starting with a letter or digit.")
                               .arg(field));
    return {};
}

Result<QString> checkMemberRole(const QString &role)
{
    if (const auto parsed = parseMemberRole(role))
        return memberRoleName(*parsed);
    return invalid(QStringLiteral("role must be one of %1.")
                           .arg(allNames<MemberRole>().join(QStringLiteral(", "))));
}

Result<QString> checkApprover(const QString &field, const QString &entry)
{
    static const QRegularExpression telegram(QStringLiteral("^[0-9]{1,20}\\z"));
    // Localpart: printable ASCII but ':'; server name: a host name or [IPv6], optional port.
    static const QRegularExpression matrix(
            QStringLiteral("^@[\\x21-\\x39\\x3b-\\x7e]+:([A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\])"
                           "(:[0-9]{1,5})?\\z"));
    const QString e = entry.trimmed();
    const bool ok = telegram.match(e).hasMatch()
            || (e.startsWith(u'@') && e.size() <= 255 && matrix.match(e).hasMatch())
            || (!e.startsWith(u'@') && checkEmail(e).ok());
    if (!ok)
        return invalidField(field,
                            QStringLiteral("%1: \"%2\" is not a Telegram user id (digits), a "
                                           "Matrix id (@user:server) or an email address.")
                                    .arg(field, quoted(entry)));
    return e;
}

Result<QUrl> checkHttpUrl(const QString &field, const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https")
        || url.host().isEmpty() || !url.userInfo().isEmpty() || url.hasFragment())
        return invalid(QStringLiteral("%1 must be an http:// or https:// URL without user "
                                      "information.")
                               .arg(field));
    return url;
}

Result<QString> checkHostName(const QString &field, const QString &host)
{
    static const QRegularExpression re(QStringLiteral(
            "^(\\*\\.)?[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,62}"
            "[a-z0-9])?)*\\z|^\\[[0-9a-f:.]+\\]\\z"));
    const QString lower = host.trimmed().toLower();
    if (lower.isEmpty() || lower.size() > 253 || !re.match(lower).hasMatch())
        return invalid(QStringLiteral("%1 entries must be host names such as api.example.com "
                                      "(optionally *.example.com), got \"%2\".")
                               .arg(field, quoted(host)));
    return lower;
}

Result<QStringList> checkMethods(const QString &field, const QJsonValue &value)
{
    static const QStringList known{ QStringLiteral("GET"),    QStringLiteral("HEAD"),
                                    QStringLiteral("POST"),   QStringLiteral("PUT"),
                                    QStringLiteral("PATCH"),  QStringLiteral("DELETE"),
                                    QStringLiteral("OPTIONS") };
    if (value.isUndefined() || value.isNull())
        return QStringList();
    if (!value.isArray())
        return invalid(QStringLiteral("%1 must be a list of HTTP methods.").arg(field));
    const QJsonArray array = value.toArray();
    if (array.size() > kMaxMethodEntries)
        return invalid(QStringLiteral("%1 has too many entries (at most %2).")
                               .arg(field)
                               .arg(kMaxMethodEntries));
    QStringList out; // at most known.size() entries: contains() below is cheap
    for (const QJsonValue &v : array) {
        const QString m = v.toString().size() <= 16 ? v.toString().toUpper() : QString();
        if (!known.contains(m))
            return invalid(
                    QStringLiteral("%1: \"%2\" is not one of %3.")
                            .arg(field, quoted(v.toString()), known.join(QStringLiteral(", "))));
        if (!out.contains(m))
            out << m;
    }
    return out;
}

Result<void> JsonFields::onlyKnown(const QStringList &allowed) const
{
    for (auto it = m_object.begin(); it != m_object.end(); ++it) {
        if (!allowed.contains(it.key()))
            return invalid(QStringLiteral("Unknown field \"%1\"; accepted fields: %2.")
                                   .arg(quoted(it.key()), allowed.join(QStringLiteral(", "))));
    }
    return {};
}

Result<QString> JsonFields::string(const QString &key, bool required, const QString &fallback) const
{
    const QJsonValue v = m_object.value(key);
    if (v.isUndefined() || v.isNull()) {
        if (required)
            return invalid(QStringLiteral("%1 is required.").arg(key));
        return fallback;
    }
    if (!v.isString())
        return invalid(QStringLiteral("%1 must be a string.").arg(key));
    if (required && v.toString().isEmpty())
        return invalid(QStringLiteral("%1 must not be empty.").arg(key));
    if (v.toString().size() > kMaxStringLength)
        return invalid(QStringLiteral("%1 is too long (at most %2 characters).")
                               .arg(key)
                               .arg(kMaxStringLength));
    return v.toString();
}

Result<bool> JsonFields::boolean(const QString &key, bool fallback) const
{
    const QJsonValue v = m_object.value(key);
    if (v.isUndefined() || v.isNull())
        return fallback;
    if (!v.isBool())
        return invalid(QStringLiteral("%1 must be true or false.").arg(key));
    return v.toBool();
}

Result<int> JsonFields::optionalPositiveInt(const QString &key) const
{
    const QJsonValue v = m_object.value(key);
    if (v.isUndefined() || v.isNull())
        return -1;
    const double d = v.toDouble(-1);
    if (!v.isDouble() || d < 1 || d > 1e9 || d != double(qint64(d)))
        return invalid(QStringLiteral("%1 must be a positive whole number.").arg(key));
    return int(d);
}

Result<QStringList> JsonFields::stringList(const QString &key, int maxEntries, int maxLength) const
{
    const QJsonValue v = m_object.value(key);
    if (v.isUndefined() || v.isNull())
        return QStringList();
    if (!v.isArray())
        return invalid(QStringLiteral("%1 must be a list of strings.").arg(key));
    const QJsonArray array = v.toArray();
    if (array.size() > maxEntries)
        return invalid(
                QStringLiteral("%1 has too many entries (at most %2).").arg(key).arg(maxEntries));
    QStringList out;
    QSet<QString> seen;
    seen.reserve(array.size());
    for (const QJsonValue &item : array) {
        if (!item.isString() || item.toString().isEmpty())
            return invalid(QStringLiteral("%1 must be a list of non-empty strings.").arg(key));
        const QString s = item.toString();
        if (s.size() > maxLength)
            return invalid(QStringLiteral("%1 entries must be at most %2 characters.")
                                   .arg(key)
                                   .arg(maxLength));
        if (!seen.contains(s)) {
            seen.insert(s);
            out << s;
        }
    }
    return out;
}

} // namespace tap::api
