// Fuzzing of the wire-contract checks (common/api/validation): a JSON document is read with
// JsonFields and its string values go through every name/URL/host check. Checked, besides
// crashes: what a check accepts obeys the rule it documents (validation.h).
#include "api/validation.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cstdio>
#include <cstdlib>

namespace api = tap::api;

namespace {

[[noreturn]] void fail(const char *what, const QString &value)
{
    fprintf(stderr, "validation: %s accepted \"%s\" (hex %s)\n", what, value.toUtf8().constData(),
            value.toUtf8().toHex().constData());
    abort();
}

bool allOf(const QString &text, bool (*ok)(char16_t))
{
    for (const QChar c : text) {
        if (!ok(c.unicode()))
            return false;
    }
    return true;
}

bool teamChar(char16_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

bool nameChar(char16_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
            || c == '_' || c == '-';
}

void checkString(const QString &s)
{
    if (api::checkTeamName(s).ok()
        && (s.size() < 3 || s.size() > 64 || !allOf(s, teamChar) || s.front() == u'-'
            || s.back() == u'-'))
        fail("checkTeamName", s);
    if (api::checkObjectName(QStringLiteral("name"), s).ok()
        && (s.isEmpty() || s.size() > 64 || !allOf(s, nameChar) || s.at(0) == u'.'
            || s.at(0) == u'_' || s.at(0) == u'-'))
        fail("checkObjectName", s);
    if (api::checkEmail(s).ok()
        && (s.size() > 254 || s.count(u'@') != 1 || s.contains(u'\n') || s.contains(u'\r')))
        fail("checkEmail", s);
    const auto password = api::checkPassword(s);
    if (password.ok() != (s.size() >= 8 && s.size() <= 1024))
        fail("checkPassword", s);
    if (const auto role = api::checkMemberRole(s); role.ok() && role.value() != s)
        fail("checkMemberRole", s);
    if (const auto url = api::checkHttpUrl(QStringLiteral("url"), s); url.ok()) {
        const QString scheme = url.value().scheme();
        if ((scheme != u"http" && scheme != u"https") || url.value().host().isEmpty())
            fail("checkHttpUrl", s);
    }
    if (const auto host = api::checkHostName(QStringLiteral("host"), s); host.ok()) {
        if (host.value().isEmpty() || host.value().contains(u'/') || host.value().contains(u' ')
            || host.value().contains(u'\n'))
            fail("checkHostName", s);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray raw(reinterpret_cast<const char *>(data), qsizetype(size));
    const QJsonDocument doc = QJsonDocument::fromJson(raw);
    if (!doc.isObject()) {
        checkString(QString::fromUtf8(raw)); // the bytes themselves as one value
        return 0;
    }
    const QJsonObject object = doc.object();
    const api::JsonFields fields(object);
    (void)fields.onlyKnown({ QStringLiteral("name"), QStringLiteral("value"),
                             QStringLiteral("enabled"), QStringLiteral("limit"),
                             QStringLiteral("hosts"), QStringLiteral("methods") });
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QString key = it.key();
        (void)fields.string(key, true);
        (void)fields.string(key, false, QStringLiteral("fallback"));
        (void)fields.boolean(key, false);
        if (const auto limit = fields.optionalPositiveInt(key);
            limit.ok() && limit.value() != -1 && limit.value() < 1)
            fail("optionalPositiveInt", key);
        (void)fields.stringList(key);
        (void)api::checkMethods(key, it.value());
        if (it.value().isString())
            checkString(it.value().toString());
        checkString(key);
    }
    return 0;
}
