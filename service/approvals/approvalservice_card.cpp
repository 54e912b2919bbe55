// What the approval card shows beyond the stored row (issue #18): who may decide, and the
// deny reason made safe to store and to tell the agent.
#include "approvals/approvalservice.h"

#include "core/logging.h"
#include "crypto/keyring.h"
#include "forward/signer.h"
#include "store/credentialstore.h"
#include "store/vault.h"

namespace tap::approvals {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

QString time(qint64 ms)
{
    return ms > 0 ? core::toRfc3339(ms) : QString();
}

} // namespace

api::Approval ApprovalService::approval(const store::ApprovalRow &a, bool canDecide) const
{
    api::Approval v;
    v.id = a.id;
    v.status = api::parseApprovalStatus(a.status).value_or(api::ApprovalStatus::Failed);
    if (v.status == api::ApprovalStatus::Pending && a.expiresAt <= m_clock.nowMs())
        v.status = api::ApprovalStatus::Expired;
    v.teamId = a.teamId;
    v.agentId = a.agentId;
    v.agentName = a.agentId;
    v.agentHomeTeamId = a.agentHomeTeamId;
    v.credential = a.credentialName;
    v.method = a.method;
    v.target = a.target;
    v.bodyPreview = a.bodyPreview;
    v.requirePasskey = a.requirePasskey;
    v.canDecide = canDecide && v.status == api::ApprovalStatus::Pending;
    v.createdAt = time(a.createdAt);
    v.expiresAt = time(a.expiresAt);
    v.decidedBy = a.decidedBy;
    v.decidedVia = a.decidedVia;
    v.decidedAt = time(a.decidedAt);
    v.responseStatus = a.responseStatus;
    v.cancelReason = a.cancelReason;
    v.approvalUrl = approvalUrl(a.id);
    v.newHosts = a.newHosts;
    v.decisionReason = a.decisionReason;
    return v;
}

Result<QStringList> ApprovalService::deciders(const store::ApprovalRow &row,
                                              QHash<QString, QStringList> *cache)
{
    if (const auto it = cache->constFind(row.credentialName); it != cache->cend())
        return it.value();
    // As mayDecide(): every credential whose policy names approvers must name the decider.
    std::optional<QStringList> shared;
    store::CredentialStore credentials(m_db);
    const QStringList names = row.credentialName.split(u',', Qt::SkipEmptyParts);
    for (const QString &name : names) {
        auto credential = credentials.byName(row.teamId, name.trimmed());
        if (!credential)
            return credential.error();
        if (!credential.value())
            continue;
        auto policy = credentials.policy(row.teamId, credential.value()->id);
        if (!policy)
            return policy.error();
        if (!policy.value() || policy.value()->allowedApprovers.isEmpty())
            continue;
        QStringList named;
        for (const QString &entry : std::as_const(policy.value()->allowedApprovers)) {
            if (!entry.trimmed().isEmpty())
                named << entry.trimmed();
        }
        if (!shared) {
            shared = named;
            continue;
        }
        QStringList both;
        for (const QString &e : std::as_const(*shared)) {
            if (named.contains(e, Qt::CaseInsensitive))
                both << e;
        }
        shared = both;
    }
    QStringList out = shared.value_or(QStringList());
    out.removeDuplicates();
    cache->insert(row.credentialName, out);
    return out;
}

Result<api::Approval> ApprovalService::forMember(const store::ApprovalRow &row, const Approver &me,
                                                 QHash<QString, QStringList> *cache)
{
    if (row.status != u"pending")
        return approval(row, false);
    auto may = mayDecide(row, me);
    if (!may)
        return may.error();
    auto who = deciders(row, cache);
    if (!who)
        return who.error();
    api::Approval out = approval(row, may.value());
    out.deciders = who.value();
    return out;
}

// The reason travels to the agent, which must never learn a credential's value: an approver
// who pastes one (by mistake, or to hand it over) finds it redacted, as in a response. Values
// of credentials this request does not use are not looked for (README "Human approval").
Result<QString> ApprovalService::scrubReason(const store::ApprovalRow &row, const QString &reason)
{
    QList<sanitizer::Secret> secrets;
    store::CredentialStore credentials(m_db);
    const QStringList names = row.credentialName.split(u',', Qt::SkipEmptyParts);
    for (const QString &name : names) {
        auto used = rowUsed(row, name.trimmed());
        if (!used)
            return used.error();
        if (!used.value() || !used.value()->hasValue)
            continue;
        const store::CredentialRow &c = *used.value();
        auto sealed = credentials.sealedValue(c.teamId, c.id);
        if (!sealed)
            return sealed.error();
        auto opened = m_vault.open(c.teamId, crypto::KeyRing::credentialAad(c.teamId, c.id),
                                   sealed.value());
        if (!opened) // fail closed: a reason that cannot be checked is not stored
            return Error(ErrorCode::Internal,
                         QStringLiteral("The credential's value cannot be decrypted."));
        secrets << forward::scrubSecrets(c, opened.value());
    }
    if (secrets.isEmpty())
        return reason;
    sanitizer::Scrubber scrubber(secrets);
    const QString out = QString::fromUtf8(scrubber.scrubAll(reason.toUtf8()));
    if (scrubber.redactions() > 0)
        core::logEvent(core::lcApp(), QtWarningMsg,
                       QStringLiteral("a credential value was redacted from a deny reason"),
                       { { QStringLiteral("txn_id"), row.id },
                         { QStringLiteral("redactions"), scrubber.redactions() } });
    return out;
}

} // namespace tap::approvals
