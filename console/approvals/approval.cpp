#include "approvals/approval.h"

namespace tap::console {

namespace {

QDateTime time(const QJsonObject &o, const QString &key)
{
    const QDateTime t = QDateTime::fromString(o.value(key).toString(), Qt::ISODateWithMs);
    return t.isValid() ? t.toLocalTime() : QDateTime();
}

} // namespace

Approval Approval::fromJson(const QJsonObject &o)
{
    const auto text = [&o](const char *key) { return o.value(QLatin1String(key)).toString(); };
    Approval a;
    a.id = text("id");
    a.status = text("status");
    a.teamId = text("team_id");
    a.agentId = text("agent_id");
    a.agentName = text("agent_name");
    a.agentHomeTeamId = text("agent_home_team_id");
    a.credential = text("credential");
    a.method = text("method");
    a.target = text("target");
    a.bodyPreview = text("body_preview");
    a.requirePasskey = o.value(QStringLiteral("require_passkey")).toBool();
    a.canDecide = o.value(QStringLiteral("can_decide")).toBool();
    a.createdAt = time(o, QStringLiteral("created_at"));
    a.expiresAt = time(o, QStringLiteral("expires_at"));
    a.decidedBy = text("decided_by");
    a.decidedVia = text("decided_via");
    a.decidedAt = time(o, QStringLiteral("decided_at"));
    a.approvalUrl = text("approval_url");
    return a;
}

} // namespace tap::console
