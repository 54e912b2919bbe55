#pragma once

// Small helpers shared by the fake admin API's translation units.

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>

namespace tap::testsupport::fake {

inline QJsonObject errorBody(const QString &code, const QString &message)
{
    return { { QStringLiteral("error"),
               QJsonObject{ { QStringLiteral("code"), code },
                            { QStringLiteral("message"), message } } } };
}

inline QString str(const QJsonObject &o, const char *key)
{
    return o.value(QString::fromLatin1(key)).toString();
}

inline QString str(const QJsonObject &o, QLatin1String key) // key: an api::key constant
{
    return o.value(key).toString();
}

inline qsizetype indexOf(const QList<QJsonObject> &rows, QLatin1String key, const QString &value)
{
    for (qsizetype i = 0; i < rows.size(); ++i) {
        if (str(rows.at(i), key) == value)
            return i;
    }
    return -1;
}

inline qsizetype indexOf(const QList<QJsonObject> &rows, const char *key, const QString &value)
{
    for (qsizetype i = 0; i < rows.size(); ++i) {
        if (str(rows.at(i), key) == value)
            return i;
    }
    return -1;
}

inline QJsonArray array(const QList<QJsonObject> &rows)
{
    QJsonArray out;
    for (const QJsonObject &r : rows)
        out.append(r);
    return out;
}

inline QString now()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
}

inline QByteArray reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 409:
        return "Conflict";
    default:
        return "Status";
    }
}

} // namespace tap::testsupport::fake
