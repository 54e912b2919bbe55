#pragma once

#include "core/result.h"

#include <QJsonObject>
#include <QStringList>
#include <QUrl>

namespace tap::api {

// The rules the service enforces on names and fields. Qt Core only, so the console can
// validate forms exactly as the server does. Each check returns an InvalidRequest error whose
// message names the field and the rule.

// Team names: 3–64 characters, lowercase letters, digits and hyphens (seed configuration.txt).
core::Result<void> checkTeamName(const QString &name);
core::Result<void> checkEmail(const QString &email);
// At least 8 characters (seed); at most 1024 so hashing cost stays bounded.
core::Result<void> checkPassword(const QString &password);
// Credential, agent, role and channel names: 1–64 of letters, digits, '.', '_', '-',
// starting with a letter or digit.
core::Result<void> checkObjectName(const QString &field, const QString &name);
core::Result<QString> checkMemberRole(const QString &role); // owner | admin | approver
core::Result<QUrl> checkHttpUrl(const QString &field, const QString &url);
core::Result<QString> checkHostName(const QString &field, const QString &host);
core::Result<QStringList> checkMethods(const QString &field, const QJsonValue &value);

// Reading typed fields from a JSON object; `allowed` lists every accepted key, anything else
// is refused by name (a typo must not silently fall back to a default).
class JsonFields
{
public:
    explicit JsonFields(const QJsonObject &object) : m_object(object) { }

    core::Result<void> onlyKnown(const QStringList &allowed) const;
    bool has(const QString &key) const
    {
        return m_object.contains(key) && !m_object.value(key).isNull();
    }

    core::Result<QString> string(const QString &key, bool required,
                                 const QString &fallback = {}) const;
    core::Result<bool> boolean(const QString &key, bool fallback) const;
    // Positive integer or absent/null (returns -1 for "no limit").
    core::Result<int> optionalPositiveInt(const QString &key) const;
    core::Result<QStringList> stringList(const QString &key) const;

private:
    const QJsonObject &m_object;
};

} // namespace tap::api
