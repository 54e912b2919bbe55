#include "pages/linkspage.h"

#include "api/validation.h"
#include "dialogs/formdialog.h"
#include "session/session.h"

#include <QComboBox>
#include <QJsonArray>

namespace tap::console {

LinksPage::LinksPage(Session *session, const Environment &env, QWidget *parent)
    : Page(session, env, parent)
{
    setObjectName(QStringLiteral("linksPage"));
    addButton(tr("&New link…"), QStringLiteral("newButton"), QStringLiteral("add"), Configures,
              [this] { create(); });
    addButton(tr("&Remove"), QStringLiteral("deleteButton"), QStringLiteral("delete"),
              NeedsSelection | Configures, [this] { removeSelected(); });
    setupTable(QStringLiteral("linksTable"),
               { tr("Agent"), tr("Home team"), tr("Role"), tr("Created by"), tr("Created") });
}

void LinksPage::refresh()
{
    fetchList(QStringLiteral("/admin/agent-links"), QStringLiteral("links"),
              [](const QJsonObject &l) {
                  const QString role = l.value(QStringLiteral("role")).toString();
                  return QStringList{ l.value(QStringLiteral("agent_id")).toString(),
                                      l.value(QStringLiteral("agent_home_team_id")).toString(),
                                      role.isEmpty() ? tr("(none: no credentials)") : role,
                                      l.value(QStringLiteral("created_by")).toString(),
                                      shortTime(l.value(QStringLiteral("created_at"))) };
              });
}

void LinksPage::create()
{
    auto *d =
            new FormDialog(QStringLiteral("linkDialog"), tr("Link an agent of another team"), this);
    d->addLine(QStringLiteral("homeTeamId"), tr("Agent's &team ID:"));
    d->addLine(QStringLiteral("agentId"), tr("&Agent ID:"));
    auto *role = d->addCombo(QStringLiteral("linkRole"), tr("&Role in this team:"), { QString() });
    role->setEditable(true);
    d->addNote(tr("The agent can use this team's credentials of the role only. Without a role "
                  "it can use none."));
    // Offer the team's roles.
    api()->get(QStringLiteral("/admin/roles"), [role = QPointer<QComboBox>(role)](const Reply &r) {
        if (!role || !r.ok())
            return;
        const QJsonArray roles = r.body.value(QStringLiteral("roles")).toArray();
        for (const QJsonValue &v : roles)
            role->addItem(v.toObject().value(QStringLiteral("name")).toString());
    });
    d->setValidator([this, d] {
        if (d->text(QStringLiteral("homeTeamId")).isEmpty())
            return tr("Enter the ID of the agent's home team.");
        if (d->text(QStringLiteral("homeTeamId")) == session()->teamId())
            return tr("That agent already belongs to this team; give it credentials or roles "
                      "directly.");
        if (!api::checkObjectName(QStringLiteral("agent_id"), d->text(QStringLiteral("agentId"))))
            return tr("Enter the agent's ID.");
        return QString();
    });
    d->setSubmit([this](FormDialog *dialog) {
        QJsonObject body{ { QStringLiteral("agent_home_team_id"),
                            dialog->text(QStringLiteral("homeTeamId")) },
                          { QStringLiteral("agent_id"), dialog->text(QStringLiteral("agentId")) } };
        if (!dialog->text(QStringLiteral("linkRole")).isEmpty())
            body.insert(QStringLiteral("role"), dialog->text(QStringLiteral("linkRole")));
        api()->post(QStringLiteral("/admin/agent-links"), body, [this, dialog](const Reply &r) {
            dialog->finish(r);
            if (!r.ok())
                return;
            showStatus(r.body.value(QStringLiteral("warning")).toString());
            refresh();
        });
    });
    d->open();
}

void LinksPage::removeSelected()
{
    const QJsonObject row = selectedRow();
    const QString home = row.value(QStringLiteral("agent_home_team_id")).toString();
    const QString agent = row.value(QStringLiteral("agent_id")).toString();
    if (agent.isEmpty()
        || !confirm(tr("Remove link"),
                    tr("Remove the link to %1 (team %2)? It can no longer use this team's "
                       "credentials.")
                            .arg(agent, home)))
        return;
    call("DELETE",
         QStringLiteral("/admin/agent-links/%1/%2")
                 .arg(apiclient::ApiClient::segment(home), apiclient::ApiClient::segment(agent)),
         {}, [this, agent](const QJsonObject &) {
             showStatus(tr("The link to %1 was removed.").arg(agent));
             refresh();
         });
}

} // namespace tap::console
