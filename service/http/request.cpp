#include "http/request.h"

#include <QUrl>

namespace tap::http {

QByteArray headerValue(const HeaderList &headers, QByteArrayView name)
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

QList<QByteArray> headerValues(const HeaderList &headers, QByteArrayView name)
{
    QList<QByteArray> values;
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            values << value;
    }
    return values;
}

QUrlQuery Request::query() const
{
    return QUrlQuery(QString::fromLatin1(rawQuery));
}

QString Request::path() const
{
    return QUrl::fromPercentEncoding(rawPath);
}

} // namespace tap::http
