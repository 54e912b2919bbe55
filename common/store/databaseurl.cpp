#include "store/databaseurl.h"

#include <QUrl>
#include <QUrlQuery>

namespace tap::store {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

Error invalid(const QString &why)
{
    return Error(ErrorCode::InvalidRequest, QStringLiteral("Invalid database URL: %1").arg(why));
}

bool isPlainOption(const QString &text)
{
    for (const QChar c : text) {
        if (c.isSpace() || c == u';' || c == u'\'' || c == u'\\')
            return false;
    }
    return true;
}

} // namespace

Result<DatabaseUrl> DatabaseUrl::parse(const QString &text)
{
    DatabaseUrl url;
    if (text.startsWith(u"sqlite:")) {
        url.backend = Backend::Sqlite;
        url.path = text.mid(7);
        if (url.path.startsWith(u"//"))
            url.path = url.path.mid(2);
        if (url.path.isEmpty())
            return invalid(
                    QStringLiteral("sqlite: needs a file path, e.g. sqlite:/var/lib/tap/tap.db"));
        return url;
    }
    if (!text.startsWith(u"postgres://") && !text.startsWith(u"postgresql://"))
        return invalid(QStringLiteral("expected sqlite:PATH or postgres://user:pass@host:port/db"));
    const QUrl u(text, QUrl::StrictMode);
    if (!u.isValid())
        return invalid(QStringLiteral("the PostgreSQL URL cannot be parsed"));
    url.backend = Backend::Postgres;
    url.user = u.userName(QUrl::FullyDecoded);
    url.password = u.password(QUrl::FullyDecoded);
    url.host = u.host(QUrl::FullyDecoded);
    url.port = u.port(5432);
    url.databaseName = u.path(QUrl::FullyDecoded).mid(1);
    if (url.databaseName.isEmpty() || url.databaseName.contains(u'/'))
        return invalid(QStringLiteral("the PostgreSQL URL must name one database, e.g. /tap"));
    if (url.port <= 0 || url.port > 65535)
        return invalid(QStringLiteral("the port must be between 1 and 65535"));
    QStringList options{ QStringLiteral("connect_timeout=5") };
    const auto items = QUrlQuery(u).queryItems(QUrl::FullyDecoded);
    for (const auto &[key, value] : items) {
        if (key == u"host") {
            url.host = value;
            continue;
        }
        // QPSQL joins the options into a libpq conninfo string with spaces and no quoting, so
        // a space, quote or backslash in a value would smuggle in another keyword.
        if (key.isEmpty() || key.contains(u'=') || !isPlainOption(key) || !isPlainOption(value))
            return invalid(QStringLiteral("malformed option %1").arg(key));
        options << key + u'=' + value;
    }
    if (url.host.isEmpty())
        return invalid(QStringLiteral("the PostgreSQL URL needs a host"));
    url.connectOptions = options.join(u';');
    return url;
}

QString DatabaseUrl::redacted() const
{
    if (backend == Backend::Sqlite)
        return QStringLiteral("sqlite:") + path;
    return QStringLiteral("postgres://%1%2@%3:%4/%5")
            .arg(user, password.isEmpty() ? QString() : QStringLiteral(":***"), host)
            .arg(port)
            .arg(databaseName);
}

} // namespace tap::store
