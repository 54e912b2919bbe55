#pragma once

#include "api/deleted.h"
#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "store/accountstore.h"
#include "store/agentstore.h"
#include "store/auditstore.h"
#include "store/channelstore.h"
#include "store/credentialstore.h"
#include "store/forwardstore.h"
#include "store/signupstore.h"

#include <QJsonObject>
#include <QUrl>

#include <atomic>
#include <functional>

namespace tap::crypto {
class KeyRing;
class PasswordHasher;
} // namespace tap::crypto
namespace tap::store {
class Vault;
}
namespace tap::channels {
class Mailer;
}

namespace tap::admin {

struct Actor;

// Everything the admin services share; owned by the composition root (app/App).
struct Context
{
    Context(store::Database &database, store::Vault &vaultRef, const crypto::KeyRing &keyRing,
            crypto::PasswordHasher &passwordHasher, channels::Mailer &mailerRef,
            const core::Clock &clockRef, core::Random &randomRef, QUrl publicUrlValue)
        : db(database),
          vault(vaultRef),
          keys(keyRing),
          hasher(passwordHasher),
          mailer(mailerRef),
          clock(clockRef),
          random(randomRef),
          publicUrl(std::move(publicUrlValue)),
          accounts(database, vaultRef),
          credentials(database),
          agents(database),
          channels(database),
          audit(database),
          signups(database),
          rateLimits(database)
    {
    }

    store::Database &db;
    store::Vault &vault;
    const crypto::KeyRing &keys;
    crypto::PasswordHasher &hasher;
    channels::Mailer &mailer;
    const core::Clock &clock;
    core::Random &random;
    QUrl publicUrl;

    store::AccountStore accounts;
    store::CredentialStore credentials;
    store::AgentStore agents;
    store::ChannelStore channels;
    store::AuditStore audit;
    store::SignupStore signups;
    store::RateLimitStore rateLimits; // sliding-hour limits; sign-ups use team id "-"

    // Sign-ups admitted per client address in any sliding hour (AccountService::signup()).
    int signupsPerHour = 10;

    // Bumped after every configuration change; caches on the /forward path compare it.
    std::atomic<quint64> configGeneration{ 0 };

    // Returns once the audit records of answers already given are in audit_log (the /forward
    // path journals them and commits them a moment later), or an error after a bounded wait.
    // Readers of audit_log call it first. Set by the composition root; unset: nothing to wait for.
    std::function<core::Result<void>()> auditCaughtUp;

    // Called after an agent of `actor`'s team was deleted (reason "agent_deleted") or disabled
    // ("agent_disabled"): its pending approvals are cancelled. Set by the composition root.
    std::function<void(const Actor &actor, const QString &agentId, const QString &reason)>
            agentRetired;

    // The common end of a delete: NotFound when nothing was removed, else audited as `action`
    // and answered with `answer`.
    core::Result<api::Deleted> recordRemoval(const Actor &actor, const core::Result<bool> &removed,
                                             const core::Error &notFound, const QString &action,
                                             const QString &target, api::Deleted answer);

    // Appends an admin audit record for a change made by `actor`. A failure to write the
    // audit record is logged; the change itself has already been committed.
    void recordChange(const Actor &actor, const QString &action, const QString &target,
                      const QJsonObject &detail = {});
};

} // namespace tap::admin
