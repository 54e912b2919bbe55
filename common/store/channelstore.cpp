#include "store/channelstore.h"

#include <QJsonDocument>

namespace tap::store {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

ChannelRow readRow(const QSqlQuery &q)
{
    ChannelRow c;
    c.name = q.value(0).toString();
    c.type = q.value(1).toString();
    c.config = QJsonDocument::fromJson(q.value(2).toString().toUtf8()).object();
    c.hasSecret = q.value(3).toBool();
    c.enabled = q.value(4).toInt() != 0;
    c.createdAt = q.value(5).toLongLong();
    return c;
}

const QString kColumns = QStringLiteral(
        "name, channel_type, config, encrypted_secret IS NOT NULL, enabled, created_at");

} // namespace

Result<void> ChannelStore::create(const QString &teamId, const ChannelRow &c,
                                  const QByteArray &sealedSecret)
{
    auto r = m_db.exec(QStringLiteral("INSERT INTO notification_channels (team_id, name, "
                                      "channel_type, config, encrypted_secret, "
                                      "enabled, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"),
                       { teamId, c.name, c.type,
                         QString::fromUtf8(QJsonDocument(c.config).toJson(QJsonDocument::Compact)),
                         sealedSecret.isEmpty() ? QVariant(QMetaType(QMetaType::QByteArray))
                                                : QVariant(sealedSecret),
                         c.enabled ? 1 : 0, c.createdAt });
    if (!r)
        return r.error().code() == ErrorCode::Conflict
                ? Error(ErrorCode::Conflict,
                        QStringLiteral("A notification channel named \"%1\" already exists.")
                                .arg(c.name))
                : r.error();
    return {};
}

Result<QList<ChannelRow>> ChannelStore::list(const QString &teamId)
{
    auto q = m_db.exec(
            QStringLiteral("SELECT ") + kColumns
                    + QStringLiteral(" FROM notification_channels WHERE team_id = ? ORDER BY name"),
            { teamId });
    if (!q)
        return q.error();
    QList<ChannelRow> out;
    while (q->next())
        out.append(readRow(*q));
    return out;
}

Result<std::optional<ChannelRow>> ChannelStore::get(const QString &teamId, const QString &name)
{
    auto q = m_db.exec(
            QStringLiteral("SELECT ") + kColumns
                    + QStringLiteral(" FROM notification_channels WHERE team_id = ? AND name = ?"),
            { teamId, name });
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<ChannelRow>();
    return std::optional<ChannelRow>(readRow(*q));
}

Result<QByteArray> ChannelStore::sealedSecret(const QString &teamId, const QString &name)
{
    auto q = m_db.exec(QStringLiteral("SELECT encrypted_secret FROM notification_channels WHERE "
                                      "team_id = ? AND name = ?"),
                       { teamId, name });
    if (!q)
        return q.error();
    if (!q->next() || q->value(0).isNull())
        return QByteArray();
    return q->value(0).toByteArray();
}

Result<bool> ChannelStore::remove(const QString &teamId, const QString &name)
{
    auto r = m_db.exec(
            QStringLiteral("DELETE FROM notification_channels WHERE team_id = ? AND name = ?"),
            { teamId, name });
    if (!r)
        return r.error();
    return r->numRowsAffected() > 0;
}

Result<QList<QPair<QString, QString>>> ChannelStore::enabledWithSecret(const QString &type)
{
    auto q = m_db.exec(QStringLiteral("SELECT team_id, name FROM notification_channels WHERE "
                                      "channel_type = ? AND enabled = 1 AND "
                                      "encrypted_secret IS NOT NULL ORDER BY team_id, name"),
                       { type });
    if (!q)
        return q.error();
    QList<QPair<QString, QString>> out;
    while (q->next())
        out.append({ q->value(0).toString(), q->value(1).toString() });
    return out;
}

} // namespace tap::store
