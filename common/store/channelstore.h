#pragma once

#include "core/result.h"
#include "store/database.h"
#include "store/rows.h"

#include <optional>

namespace tap::store {

// Notification channels of a team. A channel's secret (e.g. a Telegram bot token override)
// is stored sealed in its own column and never part of `config`.
class ChannelStore
{
public:
    explicit ChannelStore(Database &db) : m_db(db) { }

    core::Result<void> create(const QString &teamId, const ChannelRow &row,
                              const QByteArray &sealedSecret);
    core::Result<QList<ChannelRow>> list(const QString &teamId);
    core::Result<std::optional<ChannelRow>> get(const QString &teamId, const QString &name);
    core::Result<QByteArray> sealedSecret(const QString &teamId, const QString &name);
    core::Result<bool> remove(const QString &teamId, const QString &name);
    // (team id, channel name) of every team's enabled channels of `type` that have their own
    // secret (a Telegram channel's bot token), across all teams.
    core::Result<QList<QPair<QString, QString>>> enabledWithSecret(const QString &type);

private:
    Database &m_db;
};

} // namespace tap::store
