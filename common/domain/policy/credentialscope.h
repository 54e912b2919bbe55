#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace tap::policy {

// Which credential row an agent uses when it asks for a name in a team (README "Credential scopes":
// "the narrowest wins"). Pure: the caller reads the rows and the
// agent's roles; nothing here touches the database.
enum class CredentialScope { Team, Role, Agent };

// One row named N in the team. `granted` matters for team rows only: a team row is usable when
// it is assigned to the agent directly or through one of its roles (or, in a linked team,
// through the link's role or a direct assignment in that team). Role and agent rows need no
// grant: their scope is the grant.
struct ScopeCandidate
{
    CredentialScope scope = CredentialScope::Team;
    QString scopeId; // the role's name or the agent's scope id; empty for team rows
    bool granted = false;
};

// The agent asking. `agentScopeId` is how agent rows name it in this team: its id in its home
// team, "<home team id>/<agent id>" in a team it is linked into. `roles` are the roles it holds
// in the team: its own roles at home, the link's role (if any) in a linked team.
struct ScopeSubject
{
    QString agentScopeId;
    QStringList roles;
    bool linked = false;
};

enum class ScopeOutcome {
    Found, // `index` is the row to use, `label` names it for the audit trail
    NotFound, // no row this agent may use (also: an ungranted team row only)
    Conflict, // no agent row, and two or more of the agent's roles define the name
};

struct ScopeChoice
{
    ScopeOutcome outcome = ScopeOutcome::NotFound;
    qsizetype index = -1;
    // The audit record's credential_scope: "agent:<scope id>", "role:<name>", "link:<role>" (a
    // role row reached through a link's role) or "team".
    QString label;
    QStringList conflictingRoles; // sorted; Conflict only
};

// Order: the agent row for `subject`; else the role row of one of its roles (exactly one, or
// Conflict); else the team row if granted. Rows of other agents and other roles are ignored.
// Rows are assumed unique per (scope, scopeId), as the store guarantees.
ScopeChoice chooseScope(const QList<ScopeCandidate> &rows, const ScopeSubject &subject);

// The scope id agent rows use for an agent in `teamId` (see ScopeSubject::agentScopeId).
QString agentScopeId(const QString &teamId, const QString &homeTeamId, const QString &agentId);

} // namespace tap::policy
