#pragma once

#include "core/result.h"
#include "store/database.h"
#include "store/rows.h"

#include <optional>

namespace tap::store {

// A credential row an agent may use in a team, and how it got it.
struct Grant
{
    CredentialRow credential;
    // Assigned to the agent directly (team rows), or the agent's own row (agent rows).
    bool direct = false;
    // Team rows: the agent's roles granting it; role rows: the row's role. With their hourly
    // limits (-1: none).
    QList<QPair<QString, int>> roles;
};

// Who asks in a team: an agent, at home or linked in.
struct Asker
{
    QString homeTeamId;
    QString agentId;
    std::optional<QString> linkRole; // set: a linked team (empty: linked without a role)
};

// The reads /forward and /agent/services need, all scoped by team.
class ForwardStore
{
public:
    explicit ForwardStore(Database &db) : m_db(db) { }

    struct Link
    {
        QString role; // empty: linked without a role (no credentials)
    };
    core::Result<std::optional<Link>> link(const QString &teamId, const QString &homeTeamId,
                                           const QString &agentId);

    // Every row of `teamId` named `name` (empty: every name) that the asker may reach, by name:
    // team rows (granted or not: see Grant), role rows of the roles it holds there (at home its
    // roles, in a linked team the link's role), its own agent rows. Which one it uses is
    // policy::chooseScope()'s decision, not the store's.
    core::Result<QList<Grant>> candidates(const QString &teamId, const Asker &asker,
                                          const QString &name = QString());
    // Teams that linked this agent in, with the link's role.
    core::Result<QList<QPair<QString, QString>>> linkedTeams(const QString &homeTeamId,
                                                             const QString &agentId);
    core::Result<QString> teamName(const QString &teamId);

private:
    core::Result<QList<QPair<QString, int>>> heldRoles(const QString &teamId, const Asker &asker);
    core::Result<QStringList> strings(const QString &sql, const QVariantList &binds);

    Database &m_db;
};

// Exact sliding-hour rate limits (one row per admitted request), safe across threads and
// across tapd processes on one PostgreSQL: the check and the insert are one transaction,
// serialised per bucket.
class RateLimitStore
{
public:
    static constexpr qint64 kWindowMs = 3600 * 1000;
    explicit RateLimitStore(Database &db) : m_db(db) { }

    // A bucket belongs to one team: an agent's own limit to its home team (it counts every
    // request of the agent, whichever team the request uses), a role's limit to the role's
    // team. Buckets of different teams never share a count, whatever their keys.
    struct Bucket
    {
        QString teamId;
        QString key; // e.g. "agent:<home team>/<agent>" or "role:<role>:<home team>/<agent>"
        int limit;
    };
    // Admits the request into every bucket, or none: returns 0 when admitted, else the
    // milliseconds until the first bucket has room again.
    core::Result<qint64> admit(QList<Bucket> buckets, qint64 now);

private:
    Database &m_db;
};

} // namespace tap::store
