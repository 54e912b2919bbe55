#include "admin/context.h"

#include "admin/actor.h"
#include "core/logging.h"

namespace tap::admin {

using core::Error;
using core::ErrorCode;
using core::Result;

Result<void> Actor::requireConfigure() const
{
    if (api::canConfigure(memberRole()))
        return {};
    return Error(ErrorCode::Forbidden,
                 QStringLiteral("Approvers can view configuration and decide approvals, but only "
                                "owners and admins can change it."));
}

Result<api::Deleted> Context::recordRemoval(const Actor &actor, const Result<bool> &removed,
                                            const Error &notFound, const QString &action,
                                            const QString &target, api::Deleted answer)
{
    if (!removed)
        return removed.error();
    if (!removed.value())
        return notFound;
    recordChange(actor, action, target);
    return answer;
}

void Context::recordChange(const Actor &actor, const QString &action, const QString &target,
                           const QJsonObject &detail)
{
    ++configGeneration; // before anything can fail: the change itself is committed
    store::AuditRecord r;
    r.ts = clock.nowMs();
    r.teamId = actor.teamId;
    r.kind = QStringLiteral("admin");
    r.actor = actor.email;
    r.remoteAddr = actor.remoteAddr;
    r.action = action;
    r.target = target;
    r.detail = detail;
    if (auto appended = audit.append(r); !appended)
        core::logEvent(core::lcAudit(), QtCriticalMsg, QStringLiteral("audit write failed"),
                       { { QStringLiteral("action"), action },
                         { QStringLiteral("team_id"), actor.teamId } });
}

} // namespace tap::admin
