#include "policy/credentialscope.h"

namespace tap::policy {

namespace {

qsizetype findRow(const QList<ScopeCandidate> &rows, CredentialScope scope, const QString &id)
{
    for (qsizetype i = 0; i < rows.size(); ++i) {
        if (rows.at(i).scope == scope && rows.at(i).scopeId == id)
            return i;
    }
    return -1;
}

} // namespace

ScopeChoice chooseScope(const QList<ScopeCandidate> &rows, const ScopeSubject &subject)
{
    ScopeChoice choice;
    if (!subject.agentScopeId.isEmpty()) {
        const qsizetype agent = findRow(rows, CredentialScope::Agent, subject.agentScopeId);
        if (agent >= 0)
            return {
                ScopeOutcome::Found, agent, QStringLiteral("agent:") + subject.agentScopeId, {}
            };
    }
    QStringList roles;
    qsizetype roleRow = -1;
    for (const QString &role : subject.roles) {
        if (role.isEmpty() || roles.contains(role))
            continue;
        const qsizetype i = findRow(rows, CredentialScope::Role, role);
        if (i >= 0) {
            roles << role;
            roleRow = i;
        }
    }
    if (roles.size() > 1) {
        roles.sort();
        choice.outcome = ScopeOutcome::Conflict;
        choice.conflictingRoles = roles;
        return choice;
    }
    if (roleRow >= 0)
        return { ScopeOutcome::Found,
                 roleRow,
                 (subject.linked ? QStringLiteral("link:") : QStringLiteral("role:"))
                         + roles.first(),
                 {} };
    const qsizetype team = findRow(rows, CredentialScope::Team, QString());
    if (team >= 0 && rows.at(team).granted)
        return { ScopeOutcome::Found, team, QStringLiteral("team"), {} };
    return choice;
}

QString agentScopeId(const QString &teamId, const QString &homeTeamId, const QString &agentId)
{
    return teamId == homeTeamId ? agentId : homeTeamId + u'/' + agentId;
}

} // namespace tap::policy
