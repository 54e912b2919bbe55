#include "approvals/approvalservice.h"

#include "approvals/hub.h"
#include "core/logging.h"
#include "forward/auditsink.h"
#include "forward/directory.h"
#include "store/accountstore.h"
#include "store/agentstore.h"
#include "store/credentialstore.h"
#include "store/forwardstore.h"
#include "store/passkeystore.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace tap::approvals {

using admin::Actor;
using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

constexpr int kListLimit = 200;

bool isTelegramId(const QString &s)
{
    static const QRegularExpression re(QStringLiteral("^-?[0-9]{1,20}$"));
    return re.match(s).hasMatch();
}

} // namespace

QString cancelText(const QString &reason)
{
    if (reason == u"agent_deleted")
        return QStringLiteral("the agent was deleted");
    if (reason == u"agent_disabled")
        return QStringLiteral("the agent was disabled");
    return reason;
}

QString Approver::display() const
{
    if (!email.isEmpty())
        return email;
    if (!telegramUserId.isEmpty())
        return QStringLiteral("telegram:") + telegramUserId;
    return matrixUserId;
}

ApprovalService::ApprovalService(store::Database &db, store::Vault &vault, const core::Clock &clock,
                                 core::Random &random, forward::ApprovedSender &sender,
                                 forward::AuditSink &audit, ApprovalHub &hub, Settings settings)
    : m_db(db),
      m_vault(vault),
      m_clock(clock),
      m_random(random),
      m_sender(sender),
      m_audit(audit),
      m_hub(hub),
      m_settings(std::move(settings))
{
}

void ApprovalService::addObserver(ApprovalObserver *observer)
{
    QMutexLocker lock(&m_observersMutex);
    m_observers.append(observer);
}

Result<store::ApprovalRow> ApprovalService::park(store::ApprovalRow row,
                                                 const forward::ReviewedRequest &request)
{
    const qint64 now = m_clock.nowMs();
    row.id = m_random.uuid();
    row.status = QStringLiteral("pending");
    row.createdAt = now;
    row.expiresAt = now + qint64(m_settings.approvalTimeoutS) * 1000;
    // The reviewed request, exactly as the agent sent it (no secret in it), sealed for the team.
    auto sealed = forward::sealReviewedRequest(m_vault, row, request);
    if (!sealed)
        return sealed.error();
    row.sealedRequest = sealed.value();
    if (auto r = store::ApprovalStore(m_db).create(row); !r)
        return r.error();
    return row;
}

void ApprovalService::announce(const store::ApprovalRow &row)
{
    m_hub.notify(row.teamId);
    QList<ApprovalObserver *> observers;
    {
        QMutexLocker lock(&m_observersMutex);
        observers = m_observers;
    }
    for (ApprovalObserver *o : std::as_const(observers))
        o->approvalCreated(row);
}

void ApprovalService::changed(const store::ApprovalRow &row)
{
    m_hub.notify(row.teamId);
    QList<ApprovalObserver *> observers;
    {
        QMutexLocker lock(&m_observersMutex);
        observers = m_observers;
    }
    for (ApprovalObserver *o : std::as_const(observers))
        o->approvalChanged(row);
}

QString ApprovalService::approvalUrl(const QString &id) const
{
    QUrl url = m_settings.publicUrl;
    url.setPath(url.path() + QStringLiteral("/approve/") + id);
    return url.toString();
}

Result<bool> ApprovalService::mayDecide(const store::ApprovalRow &row, const Approver &who)
{
    // Members decide only in their own team.
    if (!who.teamId.isEmpty() && who.teamId != row.teamId)
        return false;
    QStringList telegramIds{ who.telegramUserId };
    QStringList matrixIds{ who.matrixUserId };
    if (!who.userId.isEmpty()) { // a member may also be named by the chat ids they linked
        auto user = store::AccountStore(m_db, m_vault).userById(who.userId);
        if (!user)
            return user.error();
        if (user.value()) {
            telegramIds << user.value()->telegramUserId;
            matrixIds << user.value()->matrixUserId;
        }
    }
    telegramIds.removeAll(QString());
    matrixIds.removeAll(QString());
    store::CredentialStore credentials(m_db);
    const QStringList names = row.credentialName.split(u',', Qt::SkipEmptyParts);
    for (const QString &name : names) {
        auto credential = credentials.byName(row.teamId, name.trimmed());
        if (!credential)
            return credential.error();
        if (!credential.value())
            continue; // deleted meanwhile: sending will be refused by the re-check
        auto policy = credentials.policy(row.teamId, credential.value()->id);
        if (!policy)
            return policy.error();
        if (!policy.value() || policy.value()->allowedApprovers.isEmpty())
            continue; // an empty allowed_approvers list: anyone in the team may decide
        bool allowed = false;
        for (const QString &entry : std::as_const(policy.value()->allowedApprovers)) {
            const QString e = entry.trimmed();
            if (e.isEmpty())
                continue;
            if (isTelegramId(e))
                allowed = allowed || telegramIds.contains(e);
            else if (e.startsWith(u'@'))
                allowed = allowed || matrixIds.contains(e);
            else
                allowed = allowed
                        || (!who.email.isEmpty() && e.compare(who.email, Qt::CaseInsensitive) == 0);
        }
        if (!allowed)
            return false;
    }
    return true;
}

Result<api::ApprovalList> ApprovalService::listNow(const Actor &actor,
                                                   std::optional<api::ApprovalStatus> status)
{
    store::ApprovalStore approvals(m_db);
    // The cursor is read first: a change racing with the list shows up in the next poll.
    auto cursor = approvals.lastChange(actor.teamId);
    if (!cursor)
        return cursor.error();
    auto rows = approvals.list(actor.teamId, status ? api::approvalStatusName(*status) : QString(),
                               kListLimit);
    if (!rows)
        return rows.error();
    const Approver me{ QStringLiteral("admin"), actor.teamId, actor.userId, actor.email, {}, {} };
    api::ApprovalList out;
    QHash<QString, QStringList> cache;
    for (const store::ApprovalRow &row : rows.value()) {
        auto one = forMember(row, me, &cache);
        if (!one)
            return one.error();
        out.items.append(one.value());
    }
    out.cursor = QString::number(cursor.value());
    return out;
}

void ApprovalService::list(const Actor &actor, const api::ApprovalQuery &query, ListCallback done)
{
    const auto status = query.status;
    if (query.waitS == 0 || query.since < 0)
        return done(listNow(actor, status));
    auto last = store::ApprovalStore(m_db).lastChange(actor.teamId);
    if (!last)
        return done(last.error());
    if (last.value() > query.since)
        return done(listNow(actor, status));
    m_hub.wait(actor.teamId, query.since, query.waitS * 1000,
               [this, actor, status, done] { done(listNow(actor, status)); });
}

Result<api::Approval> ApprovalService::get(const Actor &actor, const QString &id)
{
    auto row = store::ApprovalStore(m_db).get(id);
    if (!row)
        return row.error();
    if (!row.value() || row.value()->teamId != actor.teamId)
        return Error(ErrorCode::NotFound, QStringLiteral("No such approval request."));
    const Approver me{ QStringLiteral("admin"), actor.teamId, actor.userId, actor.email, {}, {} };
    QHash<QString, QStringList> cache;
    return forMember(*row.value(), me, &cache);
}

Result<store::ApprovalRow> ApprovalService::decide(const QString &id, bool approve,
                                                   const Approver &who, const QString &reason)
{
    store::ApprovalStore approvals(m_db);
    auto found = approvals.get(id);
    if (!found)
        return found.error();
    if (!found.value() || (!who.teamId.isEmpty() && found.value()->teamId != who.teamId))
        return Error(ErrorCode::NotFound, QStringLiteral("No such approval request."));
    const store::ApprovalRow &row = *found.value();
    const qint64 now = m_clock.nowMs();
    if (row.status != u"pending")
        return Error(ErrorCode::Conflict,
                     QStringLiteral("This request was already decided (%1).").arg(row.status));
    if (row.expiresAt <= now)
        return Error(ErrorCode::Conflict, QStringLiteral("This request has expired."));
    auto may = mayDecide(row, who);
    if (!may)
        return may.error();
    if (!may.value())
        return Error(ErrorCode::Forbidden,
                     QStringLiteral("You are not among the approvers this credential's policy "
                                    "allows."));
    // The agent that asked was deleted or disabled (in another process, or in the moment
    // between its request and the cancellation): nothing to decide any more.
    auto gone = agentGone(row);
    if (!gone)
        return gone.error();
    if (!gone->isEmpty()) {
        if (auto c = cancel(row, gone.value(), who.display()); !c)
            return c.error();
        return Error(ErrorCode::Conflict,
                     QStringLiteral("This request was cancelled (%1).").arg(gone.value()));
    }
    if (approve && row.requirePasskey && !who.passkeyVerified)
        return Error(ErrorCode::PasskeyRequired,
                     QStringLiteral("This credential requires a passkey to approve: open %1 "
                                    "to approve with your passkey.")
                             .arg(approvalUrl(row.id)));
    QString said;
    if (!approve && !reason.isEmpty()) {
        auto scrubbed = scrubReason(row, reason);
        if (!scrubbed)
            return scrubbed.error();
        said = scrubbed.value();
    }
    auto decided =
            approvals.decide(id, approve, who.display(), who.via, m_settings.instanceId, now, said);
    if (!decided)
        return decided.error();
    if (!decided.value())
        return Error(ErrorCode::Conflict,
                     QStringLiteral("Someone else decided on this request first."));

    store::ApprovalRow after = row;
    after.status = approve ? QStringLiteral("approved") : QStringLiteral("denied");
    after.decidedBy = who.display();
    after.decidedVia = who.via;
    after.decidedAt = now;
    after.decisionReason = said;
    after.claimedBy = m_settings.instanceId;
    after.updatedAt = now;
    audit(after, approve ? QStringLiteral("approved") : QStringLiteral("denied"),
          approve ? QStringLiteral("approved_by_human") : QStringLiteral("denied_by_human"), 0);
    changed(after);
    if (approve) {
        // This process holds the claim: it and nobody else sends the request, once.
        m_sender.sendApproved(after, [this](const store::ApprovalRow &final) { changed(final); });
    }
    after.sealedRequest.clear();
    return after;
}

Result<api::Approval> ApprovalService::decideAsMember(const Actor &actor, const QString &id,
                                                      bool approve, api::ApprovalChannel via,
                                                      bool allowHost, const QString &reason)
{
    const Approver me{
        api::approvalChannelName(via), actor.teamId, actor.userId, actor.email, {}, {}
    };
    if (allowHost) {
        if (!approve)
            return Error(ErrorCode::InvalidRequest,
                         QStringLiteral("allow_host goes with approve, not deny."));
        if (auto r = checkAllowHost(actor, id); !r)
            return r.error();
    }
    if (approve && !reason.isEmpty())
        return Error(ErrorCode::InvalidRequest,
                     QStringLiteral("A reason goes with deny, not approve."));
    auto decided = decide(id, approve, me, reason);
    if (!decided)
        return decided.error();
    if (allowHost)
        allowHosts(actor, decided.value());
    return approval(decided.value(), false);
}

// Allowing a host changes a credential: owners and admins only, and only for a request that
// asks about a new host.
Result<void> ApprovalService::checkAllowHost(const Actor &actor, const QString &id)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    auto found = store::ApprovalStore(m_db).get(id);
    if (!found)
        return found.error();
    if (!found.value() || found.value()->teamId != actor.teamId)
        return Error(ErrorCode::NotFound, QStringLiteral("No such approval request."));
    if (found.value()->newHosts.isEmpty())
        return Error(ErrorCode::InvalidRequest,
                     QStringLiteral("This request goes to no new host; approve it without "
                                    "allow_host."));
    return {};
}

// The row the parked request uses (narrowest wins, as when it is sent): the agent's own row, a
// role's or the team's. No value: none (any more).
Result<std::optional<store::CredentialRow>> ApprovalService::rowUsed(const store::ApprovalRow &row,
                                                                     const QString &name)
{
    store::Asker asker{ row.agentHomeTeamId, row.agentId, {} };
    if (row.teamId != row.agentHomeTeamId) {
        auto links = store::ForwardStore(m_db).linkedTeams(row.agentHomeTeamId, row.agentId);
        if (!links)
            return links.error();
        for (const auto &[team, role] : std::as_const(links.value())) {
            if (team == row.teamId)
                asker.linkRole = role;
        }
        if (!asker.linkRole)
            return std::optional<store::CredentialRow>();
    }
    auto picked = forward::pickGrant(m_db, row.teamId, asker, name);
    if (!picked)
        return picked.error();
    if (!picked->grant)
        return std::optional<store::CredentialRow>();
    return std::optional<store::CredentialRow>(picked->grant->credential);
}

void ApprovalService::allowHosts(const Actor &actor, const store::ApprovalRow &row)
{
    store::CredentialStore credentials(m_db);
    for (const QString &entry : std::as_const(row.newHosts)) {
        const QString name = entry.section(u' ', 0, 0);
        const QString host = entry.section(u' ', 1);
        auto credential = rowUsed(row, name);
        if (!credential || !credential.value()
            || credential.value()->allowedHosts.contains(host, Qt::CaseInsensitive))
            continue;
        store::CredentialRow changed = *credential.value();
        changed.allowedHosts << host;
        changed.updatedAt = m_clock.nowMs();
        if (auto r = credentials.update(changed); !r) {
            core::logEvent(core::lcApp(), QtWarningMsg, QStringLiteral("allow_host not saved"),
                           { { QStringLiteral("txn_id"), row.id } });
            continue;
        }
        if (configChanged)
            configChanged(
                    actor, QStringLiteral("credential.allow_host"), name,
                    { { QStringLiteral("host"), host },
                      { QStringLiteral("txn_id"), row.id },
                      { QStringLiteral("scope_kind"), changed.scopeKind },
                      { QStringLiteral("scope_id"),
                        changed.scopeKind == u"team" ? QJsonValue() : QJsonValue(changed.scopeId) },
                      { QStringLiteral("allowed_hosts"),
                        QJsonArray::fromStringList(changed.allowedHosts) } });
    }
}

Result<QString> ApprovalService::agentGone(const store::ApprovalRow &row)
{
    auto agent = store::AgentStore(m_db).agent(row.agentHomeTeamId, row.agentId);
    if (!agent)
        return agent.error();
    if (!agent.value() || agent.value()->instanceId != row.agentInstanceId)
        return QStringLiteral("agent_deleted");
    if (!agent.value()->enabled)
        return QStringLiteral("agent_disabled");
    return QString();
}

Result<bool> ApprovalService::cancel(const store::ApprovalRow &row, const QString &reason,
                                     const QString &actor)
{
    const qint64 now = m_clock.nowMs();
    auto cancelled = store::ApprovalStore(m_db).cancel(row.id, reason, now);
    if (!cancelled || !cancelled.value())
        return cancelled;
    store::ApprovalRow after = row;
    after.status = QStringLiteral("failed");
    after.cancelReason = reason;
    after.updatedAt = now;
    after.sealedRequest.clear();
    audit(after, QStringLiteral("rejected"), reason, 0, actor);
    changed(after);
    return true;
}

void ApprovalService::agentRetired(const QString &homeTeamId, const QString &agentId,
                                   const QString &reason, const QString &actor)
{
    auto pending = store::ApprovalStore(m_db).pendingOfAgent(homeTeamId, agentId);
    if (!pending) {
        // The sender's and the deciders' re-checks still refuse them.
        core::logEvent(core::lcApp(), QtWarningMsg,
                       QStringLiteral("pending approvals of a retired agent not cancelled"),
                       { { QStringLiteral("agent_id"), agentId } });
        return;
    }
    // A linked team's trail names the agent's home team, not a member of another team.
    for (const store::ApprovalRow &row : pending.value())
        (void)cancel(row, reason,
                     row.teamId == homeTeamId ? actor : QStringLiteral("team:") + homeTeamId);
}

void ApprovalService::audit(const store::ApprovalRow &row, const QString &decision,
                            const QString &reason, int status, const QString &actor)
{
    store::AuditRecord r;
    r.ts = m_clock.nowMs();
    r.teamId = row.teamId;
    r.kind = QStringLiteral("forward");
    r.requestId = row.requestId;
    r.actor = !actor.isEmpty() ? actor : row.decidedBy.isEmpty() ? row.agentId : row.decidedBy;
    r.agentId = row.agentId;
    r.agentHomeTeamId = row.agentHomeTeamId;
    r.credential = row.credentialName;
    r.method = row.method;
    r.target = row.target.left(2048);
    r.decision = decision;
    r.reason = reason;
    r.approver = row.decidedBy;
    r.status = status;
    r.detail = { { QStringLiteral("txn_id"), row.id },
                 { QStringLiteral("via"),
                   row.decidedVia.isEmpty() ? QJsonValue() : QJsonValue(row.decidedVia) } };
    if (!row.decisionReason.isEmpty()) // the approver's words, already scrubbed
        r.detail.insert(QStringLiteral("decision_reason"), row.decisionReason);
    if (auto w = m_audit.write(r); !w)
        core::logEvent(core::lcAudit(), QtCriticalMsg,
                       QStringLiteral("approval audit record not written"),
                       { { QStringLiteral("txn_id"), row.id } });
}

void ApprovalService::housekeeping()
{
    store::ApprovalStore approvals(m_db);
    const qint64 now = m_clock.nowMs();
    if (auto expired = approvals.expireDue(now)) {
        for (const store::ApprovalRow &row : expired.value()) {
            audit(row, QStringLiteral("expired"), QStringLiteral("approval_timeout"), 0);
            changed(row);
        }
    }
    if (auto stale = approvals.failStale(now, m_settings.staleClaimMs)) {
        for (const store::ApprovalRow &row : stale.value()) {
            audit(row, QStringLiteral("approved"), QStringLiteral("sender_lost"), 0);
            changed(row);
        }
    }
    (void)approvals.purge(now, m_settings.retainMs);
    (void)store::PasskeyStore(m_db).purgeChallenges(now);
}

} // namespace tap::approvals
