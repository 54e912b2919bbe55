#pragma once

#include "core/result.h"
#include "store/database.h"
#include "store/rows.h"

#include <optional>

namespace tap::store {

// A credential an agent may use in a team, and how it got it.
struct Grant
{
    CredentialRow credential;
    bool direct = false; // assigned to the agent directly
    QList<QPair<QString, int>> roles; // roles granting it, with their hourly limits (-1: none)
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

    // Home team: direct assignments ∪ the agent's roles. Team-scoped credentials only.
    core::Result<std::optional<Grant>> homeGrant(const QString &teamId, const QString &agentId,
                                                 const QString &credential);
    // Linked team: only what the link's role grants.
    core::Result<std::optional<Grant>> roleGrant(const QString &teamId, const QString &role,
                                                 const QString &credential);

    core::Result<QList<Grant>> homeGrants(const QString &teamId, const QString &agentId);
    core::Result<QList<Grant>> roleGrants(const QString &teamId, const QString &role);
    // Teams that linked this agent in, with the link's role.
    core::Result<QList<QPair<QString, QString>>> linkedTeams(const QString &homeTeamId,
                                                             const QString &agentId);
    core::Result<QString> teamName(const QString &teamId);

private:
    core::Result<QList<Grant>> grants(const QString &sql, const QVariantList &binds,
                                      const QString &roleSql, const QVariantList &roleBinds,
                                      bool directFromQuery);

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
