#pragma once

#include "core/result.h"

#include <QByteArrayView>
#include <QJsonObject>
#include <QStringList>
#include <QUrl>

namespace tap::api {

// Work whose cost a client controls is bounded before it starts: list fields are refused above
// kMaxListEntries entries (or their own smaller cap) and entries above their length cap before
// any entry is looked at further, and request bodies nested deeper than kMaxJsonDepth are refused
// before they are parsed.
inline constexpr int kMaxListEntries = 1000;
inline constexpr int kMaxEntryLength = 2048;
inline constexpr int kMaxJsonDepth = 32;
inline constexpr int kMaxStringLength = 4096; // JsonFields::string()

// An InvalidRequest error about `field` (Error::field()).
core::Error invalidField(const QString &field, const QString &message);
// `result` with its error (if any) tagged with `field`.
template <typename T>
core::Result<T> tagged(core::Result<T> result, const QString &field)
{
    if (!result)
        return core::Error(result.error()).setField(field);
    return result;
}

// A client's value as quoted in an error message: at most 64 characters (then "…").
QString quoted(const QString &value);

// Refuses JSON nested deeper than `maxDepth` arrays/objects; one linear pass over the raw bytes
// (strings skipped), so the parser never recurses on a hostile body.
core::Result<void> checkJsonDepth(QByteArrayView json, int maxDepth = kMaxJsonDepth);
// A request body as a JSON object (empty body: {}), depth-checked first.
core::Result<QJsonObject> parseJsonObject(const QByteArray &body);

// The rules the service enforces on names and fields. Qt Core only, so the console can
// validate forms exactly as the server does. Each check returns an InvalidRequest error whose
// message names the field and the rule.

// Team names: 3–64 characters, lowercase letters, digits and hyphens, starting and ending with
// a letter or digit (seed configuration.txt: "lowercase alphanumeric with hyphens").
core::Result<void> checkTeamName(const QString &name);
core::Result<void> checkEmail(const QString &email);
// At least 8 characters; at most 1024 so hashing cost stays bounded.
core::Result<void> checkPassword(const QString &password);
// Credential, agent, role and channel names: 1–64 of letters, digits, '.', '_', '-',
// starting with a letter or digit.
core::Result<void> checkObjectName(const QString &field, const QString &name);
core::Result<QString> checkMemberRole(const QString &role); // owner | admin | approver
// One allowed_approvers entry (seed configuration.txt, "Set a Policy"): a Telegram user id
// (digits), a Matrix user id (@user:server) or a member's email address. Returns it trimmed;
// anything else is refused naming the entry, since it could never match anyone.
core::Result<QString> checkApprover(const QString &field, const QString &entry);
core::Result<QUrl> checkHttpUrl(const QString &field, const QString &url);
core::Result<QString> checkHostName(const QString &field, const QString &host);
// A list of HTTP methods (at most kMaxMethodEntries entries), upper-cased, duplicates dropped.
inline constexpr int kMaxMethodEntries = 32;
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
    // A list of non-empty strings, duplicates dropped (first occurrence kept). More than
    // `maxEntries` entries, or an entry longer than `maxLength`, is refused before any other
    // work; de-duplication is hashed (linear).
    core::Result<QStringList> stringList(const QString &key, int maxEntries = kMaxListEntries,
                                         int maxLength = kMaxEntryLength) const;

private:
    const QJsonObject &m_object;
};

} // namespace tap::api
