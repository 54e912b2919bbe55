#include "pages/linkspage.h"

#include "api/agent.h"
#include "api/keys.h"
#include "api/validation.h"
#include "dialogs/formdialog.h"
#include "session/session.h"

#include <QComboBox>
#include <QJsonArray>

namespace tap::console {

namespace {

namespace key = api::key;

api::LinkInput formInput(FormDialog *d)
{
    return { d->text(QStringLiteral("homeTeamId")), d->text(QStringLiteral("agentId")),
             d->text(QStringLiteral("linkRole")) };
}

} // namespace

LinksPage::LinksPage(Session *session, const Environment &env, QWidget *parent)
    : Page(session, env, parent)
{
    setObjectName(QStringLiteral("linksPage"));
    addButton(tr("&New link…"), QStringLiteral("newButton"), QStringLiteral("add"),
              Configures | CreatesNew, [this] { create(); });
    addButton(tr("&Remove"), QStringLiteral("deleteButton"), QStringLiteral("delete"),
              NeedsSelection | Configures | Deletes, [this] { removeSelected(); });
    setupTable(QStringLiteral("linksTable"),
               { Column::of(tr("Agent"), Column::value(key::kAgentId)),
                 Column::of(tr("Home team"), Column::value(key::kAgentHomeTeamId)),
                 Column::of(tr("Role"),
                            [](const QJsonObject &o) {
                                const QString role = o.value(key::kRole).toString();
                                return role.isEmpty() ? tr("(none: no credentials)") : role;
                            }),
                 Column::of(tr("Created by"), Column::value(key::kCreatedBy)),
                 Column::time(tr("Created"), Column::value(key::kCreatedAt)) });
}

void LinksPage::refresh()
{
    fetchList(QStringLiteral("/admin/agent-links"), key::kLinks);
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
    api()->get(QStringLiteral("/admin/roles"), role, [role](const Reply &r) {
        if (!r.ok())
            return;
        for (const api::Role &known : api::RoleList::decode(r.body).items)
            role->addItem(known.name);
    });
    d->setValidator([this, d] {
        // The server's rules (api::LinkInput::decode()), then the console's own checks.
        const auto decoded = api::LinkInput::decode(formInput(d).encode());
        if (!decoded && decoded.error().field() == key::kAgentHomeTeamId)
            return tr("Enter the ID of the agent's home team.");
        if (!decoded && decoded.error().field() != key::kAgentId)
            return decoded.error().message();
        if (d->text(QStringLiteral("homeTeamId")) == session()->teamId())
            return tr("That agent already belongs to this team; give it credentials or roles "
                      "directly.");
        if (!api::checkObjectName(QStringLiteral("agent_id"), d->text(QStringLiteral("agentId"))))
            return tr("Enter the agent's ID.");
        return QString();
    });
    d->setSubmit([this](FormDialog *dialog) {
        const QJsonObject body = formInput(dialog).encode();
        dialog->track(api()->post(QStringLiteral("/admin/agent-links"), body, dialog,
                                  [this, dialog](const Reply &r) {
                                      dialog->finish(r);
                                      if (!r.ok())
                                          return;
                                      showStatus(r.body.value(key::kWarning).toString());
                                      refresh();
                                  }));
    });
    d->open();
}

void LinksPage::removeSelected()
{
    const QJsonObject row = selectedRow();
    const api::Link link = api::Link::decode(row);
    const QString &home = link.agentHomeTeamId;
    const QString &agent = link.agentId;
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
