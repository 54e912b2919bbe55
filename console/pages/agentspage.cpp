#include "pages/agentspage.h"

#include "api/agent.h"
#include "api/keys.h"
#include "api/validation.h"
#include "dialogs/formdialog.h"
#include "dialogs/namepicker.h"
#include "dialogs/secretdialog.h"
#include "session/session.h"

#include <QItemSelectionModel>
#include <QLineEdit>
#include <QJsonArray>
#include <QLabel>
#include <QSpinBox>
#include <QTableView>
#include <QVBoxLayout>

namespace tap::console {

namespace {

QString path(const QString &id)
{
    return QStringLiteral("/admin/agents/") + apiclient::ApiClient::segment(id);
}

namespace key = api::key;
using Mode = api::AgentInput::Mode;

// The entry of `names` that is not a valid name, in the console's words.
QString badName(const QStringList &names)
{
    for (const QString &n : names) {
        if (!api::checkObjectName(QStringLiteral("name"), n))
            return AgentsPage::tr("\"%1\" is not a valid name.").arg(n);
    }
    return {};
}

api::AgentInput formInput(FormDialog *d, int limit, bool creating)
{
    api::AgentInput in;
    if (creating)
        in.id = d->text(QStringLiteral("agentId"));
    in.description = d->text(QStringLiteral("description"));
    in.credentials = d->names(QStringLiteral("credentials"));
    if (d->picker(QStringLiteral("roles"))->isEnabled())
        in.roles = d->names(QStringLiteral("roles"));
    in.rateLimitPerHour = limit > 0 ? limit : -1;
    return in;
}

// The server's rules (api::AgentInput::decode()), with the console's words.
QString validate(FormDialog *d, int limit, bool creating)
{
    const api::AgentInput in = formInput(d, limit, creating);
    auto decoded = api::AgentInput::decode(in.encode(), creating ? Mode::Create : Mode::Update);
    if (decoded) {
        // Names typed by hand that the server's lists lack.
        if (const QString c = d->firstUnknown(QStringLiteral("credentials")); !c.isEmpty())
            return AgentsPage::tr("The team has no credential \"%1\".").arg(c);
        const bool roles = d->picker(QStringLiteral("roles"))->isEnabled();
        if (const QString r = d->firstUnknown(QStringLiteral("roles")); roles && !r.isEmpty())
            return AgentsPage::tr("The team has no role \"%1\".").arg(r);
        return {};
    }
    const QString field = decoded.error().field();
    if (field == key::kId)
        return AgentsPage::tr("ID: 1–64 letters, digits, '.', '_' or '-', starting with a letter "
                              "or digit.");
    const QString bad = field == key::kCredentials ? badName(*in.credentials)
            : field == key::kRoles                 ? badName(*in.roles)
                                                   : QString();
    return bad.isEmpty() ? decoded.error().message() : bad;
}

} // namespace

AgentsPage::AgentsPage(Session *session, const Environment &env, QWidget *parent)
    : Page(session, env, parent)
{
    setObjectName(QStringLiteral("agentsPage"));
    // Approvers create agents too (direct credential assignments only) and manage the ones
    // they created; the server refuses the others with its reason.
    addButton(tr("&New…"), QStringLiteral("newButton"), QStringLiteral("add"),
              ManagesAgents | CreatesNew, [this] { edit(true); });
    addButton(tr("Edi&t…"), QStringLiteral("editButton"), QStringLiteral("agent"),
              NeedsSelection | ManagesAgents, [this] { edit(false); });
    addButton(tr("Enable / d&isable"), QStringLiteral("toggleButton"), QStringLiteral("approve"),
              NeedsSelection | ManagesAgents, [this] { toggle(); });
    addButton(tr("Rotate &key"), QStringLiteral("rotateKeyButton"), QStringLiteral("key"),
              NeedsSelection | ManagesAgents, [this] { rotateKey(); });
    addButton(tr("&Delete"), QStringLiteral("deleteButton"), QStringLiteral("delete"),
              NeedsSelection | ManagesAgents | Deletes, [this] { removeSelected(); });
    const auto agent = [](QString (*f)(const api::Agent &)) {
        return [f](const QJsonObject &o) { return f(api::Agent::decode(o)); };
    };
    setupTable(QStringLiteral("agentsTable"),
               { Column::of(tr("ID"), Column::value(key::kId)),
                 Column::of(tr("Description"), Column::value(key::kDescription)),
                 Column::of(tr("State"), agent([](const api::Agent &a) {
                                return a.enabled ? tr("enabled") : tr("disabled");
                            })),
                 Column::limit(tr("Requests per hour"), key::kRateLimitPerHour, tr("unlimited")),
                 Column::of(tr("Credentials"), agent([](const api::Agent &a) {
                                return a.credentials.join(QStringLiteral(", "));
                            })),
                 Column::of(tr("Roles"), agent([](const api::Agent &a) {
                                return a.roles.join(QStringLiteral(", "));
                            })) });
    m_details = new QLabel(this);
    m_details->setObjectName(QStringLiteral("effectiveLabel"));
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    body()->addWidget(m_details);
    connect(table()->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &AgentsPage::showDetails);
}

void AgentsPage::clear()
{
    Page::clear();
    m_details->clear();
}

void AgentsPage::refresh()
{
    fetchList(QStringLiteral("/admin/agents"), key::kAgents);
}

void AgentsPage::showDetails()
{
    const QString id = selectedRow().value(key::kId).toString();
    m_details->clear();
    if (id.isEmpty())
        return;
    call("GET", path(id), {}, [this, id](const QJsonObject &a) {
        if (selectedRow().value(key::kId).toString() != id)
            return;
        const QString effective =
                api::Agent::decode(a).effectiveCredentials.join(QStringLiteral(", "));
        m_details->setText(effective.isEmpty() ? tr("%1 can use no credential.").arg(id)
                                               : tr("%1 can use: %2").arg(id, effective));
    });
}

void AgentsPage::edit(bool creating)
{
    const QJsonObject row = creating ? QJsonObject() : selectedRow();
    if (!creating && row.isEmpty())
        return;
    const api::Agent agent = api::Agent::decode(row);
    auto *d = new FormDialog(QStringLiteral("agentDialog"),
                             creating ? tr("New agent") : tr("Edit agent"), this);
    d->addLine(QStringLiteral("agentId"), tr("&ID:"), agent.id)->setEnabled(creating);
    d->addLine(QStringLiteral("description"), tr("&Description:"), agent.description);
    d->addPicker(QStringLiteral("credentials"), tr("&Credentials:"), agent.credentials,
                 tr("type a name, Enter adds it"))
            ->fetchKnownNames(api(), QStringLiteral("/admin/credentials"), key::kCredentials,
                              key::kName);
    auto *roles = d->addPicker(QStringLiteral("roles"), tr("&Roles:"), agent.roles,
                               tr("type a name, Enter adds it"));
    if (!session()->canConfigure()) {
        // Approver-created agents use direct assignments only.
        roles->setEnabled(false);
        d->addNote(tr("As an approver you assign credentials directly; roles are given by "
                      "owners and admins."));
    } else {
        roles->fetchKnownNames(api(), QStringLiteral("/admin/roles"), key::kRoles, key::kName);
    }
    auto *limit = d->addSpin(QStringLiteral("rateLimit"), tr("Requests per &hour:"),
                             qMax(agent.rateLimitPerHour, 0), tr("unlimited"));
    d->setValidator([d, limit, creating] { return validate(d, limit->value(), creating); });
    d->setSubmit([this, creating, limit](FormDialog *dialog) {
        const QJsonObject body = formInput(dialog, limit->value(), creating).encode();
        const QString id = dialog->text(QStringLiteral("agentId"));
        const auto done = [this, dialog, creating](const Reply &r) {
            dialog->finish(r);
            if (!r.ok())
                return;
            refresh();
            if (creating)
                showKey(r.body);
        };
        if (creating)
            dialog->track(api()->post(QStringLiteral("/admin/agents"), body, dialog, done));
        else
            dialog->track(api()->patch(path(id), body, dialog, done));
    });
    d->open();
}

void AgentsPage::showKey(const QJsonObject &answer)
{
    const api::AgentKey key = api::AgentKey::decode(answer);
    auto *dialog = new SecretDialog(
            tr("API key of %1").arg(key.id),
            tr("Give this key to the agent (header X-TAP-Key). It will not be shown again."),
            key.apiKey, this);
    dialog->open();
}

void AgentsPage::toggle()
{
    const QJsonObject row = selectedRow();
    const api::Agent agent = api::Agent::decode(row);
    const QString &id = agent.id;
    if (id.isEmpty())
        return;
    const bool enable = !agent.enabled;
    call("POST", path(id) + (enable ? QStringLiteral("/enable") : QStringLiteral("/disable")), {},
         [this, id, enable](const QJsonObject &) {
             showStatus(enable ? tr("%1 is enabled.").arg(id)
                               : tr("%1 is disabled: all its requests are refused.").arg(id));
             refresh();
         });
}

void AgentsPage::rotateKey()
{
    const QString id = selectedRow().value(key::kId).toString();
    if (id.isEmpty()
        || !confirm(tr("Rotate API key"),
                    tr("Give %1 a new API key? The old key stops working at once.").arg(id)))
        return;
    call("POST", path(id) + QStringLiteral("/rotate-key"), {},
         [this](const QJsonObject &answer) { showKey(answer); });
}

void AgentsPage::removeSelected()
{
    const QString id = selectedRow().value(key::kId).toString();
    if (id.isEmpty()
        || !confirm(tr("Delete agent"),
                    tr("Delete the agent %1? Its API key stops working at once.").arg(id)))
        return;
    call("DELETE", path(id), {}, [this, id](const QJsonObject &) {
        showStatus(tr("Deleted %1.").arg(id));
        refresh();
    });
}

} // namespace tap::console
