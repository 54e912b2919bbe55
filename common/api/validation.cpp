#include "api/validation.h"

#include <QJsonArray>
#include <QRegularExpression>

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

Result<void> checkTeamName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[a-z0-9-]{3,64}$"));
    if (!re.match(name).hasMatch())
        return invalid(QStringLiteral("team_name must be 3-64 characters of lowercase letters, "
                                      "digits and hyphens."));
    return {};
}

Result<void> checkEmail(const QString &email)
{
    static const QRegularExpression re(QStringLiteral("^[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+$"));
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
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"));
    if (!re.match(name).hasMatch())
        return invalid(QStringLiteral("%1 must be 1-64 characters of letters, digits, '.', '_' "
                                      "and '-', starting with a letter or digit.")
                               .arg(field));
    return {};
}

Result<QString> checkMemberRole(const QString &role)
{
    if (role == u"owner" || role == u"admin" || role == u"approver")
        return role;
    return invalid(QStringLiteral("role must be one of owner, admin, approver."));
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
            "[a-z0-9])?)*$|^\\[[0-9a-f:.]+\\]$"));
    const QString lower = host.trimmed().toLower();
    if (lower.isEmpty() || lower.size() > 253 || !re.match(lower).hasMatch())
        return invalid(QStringLiteral("%1 entries must be host names such as api.example.com "
                                      "(optionally *.example.com), got \"%2\".")
                               .arg(field, host));
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
    QStringList out;
    for (const QJsonValue &v : value.toArray()) {
        const QString m = v.toString().toUpper();
        if (!known.contains(m))
            return invalid(QStringLiteral("%1: \"%2\" is not one of %3.")
                                   .arg(field, v.toString(), known.join(QStringLiteral(", "))));
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
                                   .arg(it.key(), allowed.join(QStringLiteral(", "))));
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
    if (v.toString().size() > 4096)
        return invalid(QStringLiteral("%1 is too long.").arg(key));
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

Result<QStringList> JsonFields::stringList(const QString &key) const
{
    const QJsonValue v = m_object.value(key);
    if (v.isUndefined() || v.isNull())
        return QStringList();
    if (!v.isArray())
        return invalid(QStringLiteral("%1 must be a list of strings.").arg(key));
    QStringList out;
    for (const QJsonValue &item : v.toArray()) {
        if (!item.isString() || item.toString().isEmpty())
            return invalid(QStringLiteral("%1 must be a list of non-empty strings.").arg(key));
        if (!out.contains(item.toString()))
            out << item.toString();
    }
    if (out.size() > 1000)
        return invalid(QStringLiteral("%1 has too many entries.").arg(key));
    return out;
}

} // namespace tap::api
