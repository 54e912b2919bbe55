#include "forward/directory.h"

#include "forward/signer.h"

#include "crypto/keyring.h"
#include "policy/credentialscope.h"
#include "store/agentstore.h"
#include "store/credentialstore.h"
#include "store/vault.h"

namespace tap::forward {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

constexpr qsizetype kMaxEntries = 50000;

} // namespace

Result<ScopedGrant> pickGrant(const QList<store::Grant> &candidates, const QString &teamId,
                              const store::Asker &asker)
{
    QList<policy::ScopeCandidate> rows;
    for (const store::Grant &g : candidates) {
        const QString &kind = g.credential.scopeKind;
        rows.append({ kind == u"agent"          ? policy::CredentialScope::Agent
                              : kind == u"role" ? policy::CredentialScope::Role
                                                : policy::CredentialScope::Team,
                      g.credential.scopeId, g.direct || !g.roles.isEmpty() });
    }
    policy::ScopeSubject subject{ policy::agentScopeId(teamId, asker.homeTeamId, asker.agentId),
                                  {},
                                  asker.linkRole.has_value() };
    for (const store::Grant &g : candidates) {
        if (g.credential.scopeKind == u"role")
            subject.roles << g.credential.scopeId; // candidates() keeps the held roles' rows only
    }
    const policy::ScopeChoice choice = policy::chooseScope(rows, subject);
    switch (choice.outcome) {
    case policy::ScopeOutcome::Found:
        return ScopedGrant{ candidates.at(choice.index), choice.label };
    case policy::ScopeOutcome::NotFound:
        return ScopedGrant{};
    case policy::ScopeOutcome::Conflict:
        return Error(ErrorCode::Conflict,
                     QStringLiteral("The credential \"%1\" is defined for several of this agent's "
                                    "roles (%2); an admin must keep one of them or give the "
                                    "agent its own.")
                             .arg(candidates.first().credential.name,
                                  choice.conflictingRoles.join(QStringLiteral(", "))));
    }
    Q_UNREACHABLE();
    return ScopedGrant{};
}

Result<ScopedGrant> pickGrant(store::Database &db, const QString &teamId, const store::Asker &asker,
                              const QString &credential)
{
    auto candidates = store::ForwardStore(db).candidates(teamId, asker, credential);
    if (!candidates)
        return candidates.error();
    return pickGrant(candidates.value(), teamId, asker);
}

Directory::Directory(store::Database &db, store::Vault &vault, const core::Clock &clock,
                     const std::atomic<quint64> &generation)
    : m_db(db), m_vault(vault), m_clock(clock), m_generation(generation)
{
}

template <typename T>
bool Directory::lookup(const QHash<QString, Entry<T>> &cache, const QString &key, T *out)
{
    QReadLocker lock(&m_lock);
    auto it = cache.constFind(key);
    if (it == cache.constEnd() || it->generation != m_generation.load()
        || it->expiresAt <= m_clock.nowMs())
        return false;
    *out = it->value;
    return true;
}

template <typename T>
void Directory::store(QHash<QString, Entry<T>> &cache, const QString &key, T value,
                      quint64 generation)
{
    QWriteLocker lock(&m_lock);
    if (cache.size() >= kMaxEntries)
        cache.clear(); // bounded memory; a refill costs one query per key
    cache.insert(key, Entry<T>{ std::move(value), generation, m_clock.nowMs() + kTtlMs });
}

Result<std::optional<AgentIdentity>> Directory::agentByKeyHash(const QString &keyHash)
{
    std::optional<AgentIdentity> cached;
    if (lookup(m_agents, keyHash, &cached))
        return cached;
    const quint64 generation = m_generation.load();
    store::AgentStore agents(m_db);
    auto owner = agents.agentByKeyHash(keyHash);
    if (!owner)
        return owner.error();
    std::optional<AgentIdentity> identity;
    if (owner.value())
        identity = AgentIdentity{ owner.value()->teamId, owner.value()->agentId,
                                  owner.value()->enabled, owner.value()->rateLimitPerHour,
                                  owner.value()->instanceId };
    store(m_agents, keyHash, identity, generation);
    return identity;
}

Result<std::optional<store::ForwardStore::Link>> Directory::link(const QString &teamId,
                                                                 const AgentIdentity &agent)
{
    const QString key = teamId + u'\n' + agent.homeTeamId + u'\n' + agent.agentId;
    std::optional<store::ForwardStore::Link> cached;
    if (lookup(m_links, key, &cached))
        return cached;
    const quint64 generation = m_generation.load();
    auto found = store::ForwardStore(m_db).link(teamId, agent.homeTeamId, agent.agentId);
    if (!found)
        return found.error();
    store(m_links, key, found.value(), generation);
    return found.value();
}

Result<std::shared_ptr<const Resolved>> Directory::resolve(const AgentIdentity &agent,
                                                           const QString &teamId,
                                                           const std::optional<QString> &linkRole,
                                                           const QString &credential)
{
    const QString key = agent.homeTeamId + u'\n' + agent.agentId + u'\n' + teamId + u'\n'
            + linkRole.value_or(QStringLiteral("\x01")) + u'\n' + credential;
    std::shared_ptr<const Resolved> cached;
    if (lookup(m_grants, key, &cached))
        return cached;
    const quint64 generation = m_generation.load();
    const store::Asker asker{ agent.homeTeamId, agent.agentId, linkRole };
    auto candidates = store::ForwardStore(m_db).candidates(teamId, asker, credential);
    if (!candidates)
        return candidates.error();
    auto grant = pickGrant(candidates.value(), teamId, asker);
    if (!grant)
        return grant.error();
    std::shared_ptr<Resolved> resolved;
    if (grant->grant) {
        resolved = std::make_shared<Resolved>();
        resolved->grant = *grant->grant;
        resolved->scope = grant->scope;
        store::CredentialStore credentials(m_db);
        auto policy = credentials.policy(teamId, resolved->grant.credential.id);
        if (!policy)
            return policy.error();
        if (policy.value()) {
            const store::PolicyRow &p = *policy.value();
            resolved->rules = policy::Rules{ p.autoApproveMethods, p.requireApprovalMethods,
                                             p.autoApproveUrls };
            resolved->requirePasskey = p.requirePasskey;
        }
        if (resolved->grant.credential.hasValue) {
            auto sealed = credentials.sealedValue(teamId, resolved->grant.credential.id);
            if (!sealed)
                return sealed.error();
            auto opened = m_vault.open(
                    teamId, crypto::KeyRing::credentialAad(teamId, resolved->grant.credential.id),
                    sealed.value());
            if (!opened)
                return Error(ErrorCode::Internal,
                             QStringLiteral("The credential's value cannot be decrypted."));
            resolved->secret = std::move(opened.value());
        }
        resolved->secrets = scrubSecrets(resolved->grant.credential, resolved->secret);
        resolved->scrubber = std::make_shared<const sanitizer::Scrubber>(resolved->secrets);
    }
    store(m_grants, key, std::shared_ptr<const Resolved>(resolved), generation);
    return std::shared_ptr<const Resolved>(resolved);
}

} // namespace tap::forward
