#pragma once

#include "core/clock.h"
#include "core/result.h"
#include "core/secretbytes.h"
#include "policy/policyevaluator.h"
#include "sanitizer/scrubber.h"
#include "store/forwardstore.h"

#include <QHash>
#include <QReadWriteLock>

#include <atomic>
#include <memory>
#include <optional>

namespace tap::store {
class Vault;
class CredentialStore;
class AgentStore;
} // namespace tap::store

namespace tap::forward {

struct AgentIdentity
{
    QString homeTeamId;
    QString agentId;
    bool enabled = false;
    int rateLimitPerHour = -1;
    QString instanceId; // this agent, not another one created later under the same id
};

// Everything /forward needs about one credential an agent may use in one team.
struct Resolved
{
    store::Grant grant;
    // The row used, for the audit trail: "agent:<id>", "role:<name>", "link:<role>" or "team".
    QString scope;
    std::optional<policy::Rules> rules; // no value: the credential has no policy
    bool requirePasskey = false;
    core::SecretBytes secret; // empty when the credential has no value
    // scrubSecrets() of the value: its sealed parts parsed once per cache entry, not per request.
    QList<sanitizer::Secret> secrets;
    // Built once per cache entry (building the automaton costs far more than a request);
    // each request scrubs with a copy, which shares the immutable tables.
    std::shared_ptr<const sanitizer::Scrubber> scrubber;
};

// Which of `candidates` (rows of one name, from ForwardStore::candidates()) `asker` uses in
// `teamId`: policy::chooseScope() over the rows. No grant: none it may use. Conflict (409) when
// two of its roles define the name and it has no row of its own.
struct ScopedGrant
{
    std::optional<store::Grant> grant;
    QString scope; // see Resolved::scope
};
core::Result<ScopedGrant> pickGrant(const QList<store::Grant> &candidates, const QString &teamId,
                                    const store::Asker &asker);
// The same choice read from the store now, without the caches (for the approver's "allow
// host", which changes the row the request uses).
core::Result<ScopedGrant> pickGrant(store::Database &db, const QString &teamId,
                                    const store::Asker &asker, const QString &credential);

// Read-through caches in front of the store for the /forward hot path. Entries die when any
// admin change bumps `generation` (so disable, delete and rotate apply to the very next
// request on every worker of this process) and after kTtlMs at the latest (the bound for
// changes made by another tapd process on the same database). Thread-safe.
class Directory
{
public:
    static constexpr qint64 kTtlMs = 2000;

    Directory(store::Database &db, store::Vault &vault, const core::Clock &clock,
              const std::atomic<quint64> &generation);

    core::Result<std::optional<AgentIdentity>> agentByKeyHash(const QString &keyHash);
    // The link of an agent into another team; no value: not linked.
    core::Result<std::optional<store::ForwardStore::Link>> link(const QString &teamId,
                                                                const AgentIdentity &agent);
    // No value: the agent may not use that credential in that team (or it does not exist).
    core::Result<std::shared_ptr<const Resolved>> resolve(const AgentIdentity &agent,
                                                          const QString &teamId,
                                                          const std::optional<QString> &linkRole,
                                                          const QString &credential);

private:
    template <typename T>
    struct Entry
    {
        T value;
        quint64 generation;
        qint64 expiresAt;
    };
    template <typename T>
    bool lookup(const QHash<QString, Entry<T>> &cache, const QString &key, T *out);
    // `generation` is the one read before the database was: a change committed meanwhile
    // makes the entry stale at once.
    template <typename T>
    void store(QHash<QString, Entry<T>> &cache, const QString &key, T value, quint64 generation);

    store::Database &m_db;
    store::Vault &m_vault;
    const core::Clock &m_clock;
    const std::atomic<quint64> &m_generation;
    QReadWriteLock m_lock;
    QHash<QString, Entry<std::optional<AgentIdentity>>> m_agents;
    QHash<QString, Entry<std::optional<store::ForwardStore::Link>>> m_links;
    QHash<QString, Entry<std::shared_ptr<const Resolved>>> m_grants;
};

} // namespace tap::forward
