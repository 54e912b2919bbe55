#include "pages/agentspage.h"

#include "api/validation.h"
#include "dialogs/formdialog.h"
#include "dialogs/secretdialog.h"

#include <QLineEdit>
#include <QItemSelectionModel>
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

QString checkNames(const QStringList &names)
{
    for (const QString &n : names) {
        if (!api::checkObjectName(QStringLiteral("name"), n))
            return AgentsPage::tr("\"%1\" is not a valid name.").arg(n);
    }
    return {};
}

} // namespace

AgentsPage::AgentsPage(Session *session, const Environment &env, QWidget *parent)
    : Page(session, env, parent)
{
    setObjectName(QStringLiteral("agentsPage"));
    addButton(tr("&New…"), QStringLiteral("newButton"), QStringLiteral("add"), Configures,
              [this] { edit(true); });
    addButton(tr("&Edit…"), QStringLiteral("editButton"), QStringLiteral("agent"),
              NeedsSelection | Configures, [this] { edit(false); });
    addButton(tr("Enable / d&isable"), QStringLiteral("toggleButton"), QStringLiteral("approve"),
              NeedsSelection | Configures, [this] { toggle(); });
    addButton(tr("Rotate &key"), QStringLiteral("rotateKeyButton"), QStringLiteral("key"),
              NeedsSelection | Configures, [this] { rotateKey(); });
    addButton(tr("&Delete"), QStringLiteral("deleteButton"), QStringLiteral("delete"),
              NeedsSelection | Configures, [this] { removeSelected(); });
    setupTable(QStringLiteral("agentsTable"),
               { tr("ID"), tr("Description"), tr("State"), tr("Requests per hour"),
                 tr("Credentials"), tr("Roles") });
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
    fetchList(QStringLiteral("/admin/agents"), QStringLiteral("agents"), [](const QJsonObject &a) {
        const QJsonValue limit = a.value(QStringLiteral("rate_limit_per_hour"));
        return QStringList{ a.value(QStringLiteral("id")).toString(),
                            a.value(QStringLiteral("description")).toString(),
                            a.value(QStringLiteral("enabled")).toBool() ? tr("enabled")
                                                                        : tr("disabled"),
                            limit.isDouble() ? QString::number(limit.toInt()) : tr("unlimited"),
                            joined(a.value(QStringLiteral("credentials"))),
                            joined(a.value(QStringLiteral("roles"))) };
    });
}

void AgentsPage::showDetails()
{
    const QString id = selectedRow().value(QStringLiteral("id")).toString();
    m_details->clear();
    if (id.isEmpty())
        return;
    call("GET", path(id), {}, [this, id](const QJsonObject &a) {
        if (selectedRow().value(QStringLiteral("id")).toString() != id)
            return;
        const QString effective = joined(a.value(QStringLiteral("effective_credentials")));
        m_details->setText(effective.isEmpty() ? tr("%1 can use no credential.").arg(id)
                                               : tr("%1 can use: %2").arg(id, effective));
    });
}

void AgentsPage::edit(bool creating)
{
    const QJsonObject row = creating ? QJsonObject() : selectedRow();
    if (!creating && row.isEmpty())
        return;
    auto *d = new FormDialog(QStringLiteral("agentDialog"),
                             creating ? tr("New agent") : tr("Edit agent"), this);
    d->addLine(QStringLiteral("agentId"), tr("&ID:"), row.value(QStringLiteral("id")).toString())
            ->setEnabled(creating);
    d->addLine(QStringLiteral("description"), tr("&Description:"),
               row.value(QStringLiteral("description")).toString());
    d->addLine(QStringLiteral("credentials"), tr("&Credentials:"),
               joined(row.value(QStringLiteral("credentials"))), tr("comma-separated"));
    d->addLine(QStringLiteral("roles"), tr("&Roles:"), joined(row.value(QStringLiteral("roles"))),
               tr("comma-separated"));
    auto *limit =
            d->addSpin(QStringLiteral("rateLimit"), tr("Requests per &hour:"),
                       row.value(QStringLiteral("rate_limit_per_hour")).toInt(), tr("unlimited"));
    d->setValidator([d, creating] {
        if (creating
            && !api::checkObjectName(QStringLiteral("id"), d->text(QStringLiteral("agentId"))))
            return tr("ID: 1–64 letters, digits, '.', '_' or '-', starting with a letter or "
                      "digit.");
        if (const QString bad = checkNames(splitList(d->text(QStringLiteral("credentials"))));
            !bad.isEmpty())
            return bad;
        return checkNames(splitList(d->text(QStringLiteral("roles"))));
    });
    d->setSubmit([this, creating, limit](FormDialog *dialog) {
        QJsonObject body{
            { QStringLiteral("description"), dialog->text(QStringLiteral("description")) },
            { QStringLiteral("credentials"),
              QJsonArray::fromStringList(splitList(dialog->text(QStringLiteral("credentials")))) },
            { QStringLiteral("roles"),
              QJsonArray::fromStringList(splitList(dialog->text(QStringLiteral("roles")))) },
            { QStringLiteral("rate_limit_per_hour"),
              limit->value() > 0 ? QJsonValue(limit->value()) : QJsonValue() }
        };
        const QString id = dialog->text(QStringLiteral("agentId"));
        const auto done = [this, dialog, creating](const Reply &r) {
            dialog->finish(r);
            if (!r.ok())
                return;
            refresh();
            if (creating)
                showKey(r.body);
        };
        if (creating) {
            body.insert(QStringLiteral("id"), id);
            api()->post(QStringLiteral("/admin/agents"), body, done);
        } else {
            api()->patch(path(id), body, done);
        }
    });
    d->open();
}

void AgentsPage::showKey(const QJsonObject &answer)
{
    auto *dialog = new SecretDialog(
            tr("API key of %1").arg(answer.value(QStringLiteral("id")).toString()),
            tr("Give this key to the agent (header X-TAP-Key). It will not be shown again."),
            answer.value(QStringLiteral("api_key")).toString(), this);
    dialog->open();
}

void AgentsPage::toggle()
{
    const QJsonObject row = selectedRow();
    const QString id = row.value(QStringLiteral("id")).toString();
    if (id.isEmpty())
        return;
    const bool enable = !row.value(QStringLiteral("enabled")).toBool();
    call("POST", path(id) + (enable ? QStringLiteral("/enable") : QStringLiteral("/disable")), {},
         [this, id, enable](const QJsonObject &) {
             showStatus(enable ? tr("%1 is enabled.").arg(id)
                               : tr("%1 is disabled: all its requests are refused.").arg(id));
             refresh();
         });
}

void AgentsPage::rotateKey()
{
    const QString id = selectedRow().value(QStringLiteral("id")).toString();
    if (id.isEmpty()
        || !confirm(tr("Rotate API key"),
                    tr("Give %1 a new API key? The old key stops working at once.").arg(id)))
        return;
    call("POST", path(id) + QStringLiteral("/rotate-key"), {},
         [this](const QJsonObject &answer) { showKey(answer); });
}

void AgentsPage::removeSelected()
{
    const QString id = selectedRow().value(QStringLiteral("id")).toString();
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
