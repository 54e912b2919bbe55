#include "pages/rolespage.h"

#include "api/agent.h"
#include "api/keys.h"
#include "api/validation.h"
#include "dialogs/formdialog.h"

#include <QLineEdit>
#include <QJsonArray>
#include <QSpinBox>

namespace tap::console {

namespace {

QString path(const QString &name)
{
    return QStringLiteral("/admin/roles/") + apiclient::ApiClient::segment(name);
}

api::RoleInput formInput(FormDialog *d, int limit)
{
    return { d->text(QStringLiteral("roleName")), d->text(QStringLiteral("description")),
             splitList(d->text(QStringLiteral("credentials"))), limit > 0 ? limit : -1 };
}

// The server's rules (api::RoleInput::decode()), with the console's words.
QString validate(FormDialog *d, int limit)
{
    const api::RoleInput in = formInput(d, limit);
    auto decoded = api::RoleInput::decode(in.encode(), api::RoleInput::Mode::Create);
    if (decoded)
        return {};
    if (decoded.error().field() == api::key::kName)
        return RolesPage::tr("Name: 1–64 letters, digits, '.', '_' or '-', starting with a "
                             "letter or digit.");
    if (decoded.error().field() == api::key::kCredentials) {
        for (const QString &c : in.credentials) {
            if (!api::checkObjectName(api::key::kCredentials, c))
                return RolesPage::tr("\"%1\" is not a valid credential name.").arg(c);
        }
    }
    return decoded.error().message();
}

} // namespace

RolesPage::RolesPage(Session *session, const Environment &env, QWidget *parent)
    : Page(session, env, parent)
{
    setObjectName(QStringLiteral("rolesPage"));
    addButton(tr("&New…"), QStringLiteral("newButton"), QStringLiteral("add"),
              Configures | CreatesNew, [this] { edit(true); });
    addButton(tr("Edi&t…"), QStringLiteral("editButton"), QStringLiteral("role"),
              NeedsSelection | Configures, [this] { edit(false); });
    addButton(tr("&Delete"), QStringLiteral("deleteButton"), QStringLiteral("delete"),
              NeedsSelection | Configures | Deletes, [this] { removeSelected(); });
    setupTable(QStringLiteral("rolesTable"),
               { tr("Name"), tr("Description"), tr("Credentials"), tr("Requests per hour") });
}

void RolesPage::refresh()
{
    fetchList(QStringLiteral("/admin/roles"), api::key::kRoles, [](const QJsonObject &o) {
        const api::Role r = api::Role::decode(o);
        return QStringList{ r.name, r.description, r.credentials.join(QStringLiteral(", ")),
                            r.rateLimitPerHour > 0 ? QString::number(r.rateLimitPerHour)
                                                   : tr("unlimited") };
    });
}

void RolesPage::edit(bool creating)
{
    const QJsonObject row = creating ? QJsonObject() : selectedRow();
    if (!creating && row.isEmpty())
        return;
    const api::Role role = api::Role::decode(row);
    auto *d = new FormDialog(QStringLiteral("roleDialog"),
                             creating ? tr("New role") : tr("Edit role"), this);
    d->addLine(QStringLiteral("roleName"), tr("&Name:"), role.name)->setEnabled(creating);
    d->addLine(QStringLiteral("description"), tr("&Description:"), role.description);
    d->addLine(QStringLiteral("credentials"), tr("&Credentials:"),
               role.credentials.join(QStringLiteral(", ")), tr("comma-separated"));
    auto *limit = d->addSpin(QStringLiteral("rateLimit"), tr("Requests per &hour:"),
                             qMax(role.rateLimitPerHour, 0), tr("unlimited"));
    d->setValidator([d, limit] { return validate(d, limit->value()); });
    d->setSubmit([this, creating, limit](FormDialog *dialog) {
        const api::RoleInput in = formInput(dialog, limit->value());
        const auto done = [this, dialog](const Reply &r) {
            dialog->finish(r);
            if (r.ok())
                refresh();
        };
        if (creating)
            dialog->track(api()->post(QStringLiteral("/admin/roles"), in.encode(), dialog, done));
        else
            dialog->track(api()->put(path(in.name), in.encode(), dialog, done));
    });
    d->open();
}

void RolesPage::removeSelected()
{
    const QString name = selectedRow().value(api::key::kName).toString();
    if (name.isEmpty()
        || !confirm(tr("Delete role"),
                    tr("Delete the role %1? Agents and links that have it lose its "
                       "credentials.")
                            .arg(name)))
        return;
    call("DELETE", path(name), {}, [this, name](const QJsonObject &) {
        showStatus(tr("Deleted %1.").arg(name));
        refresh();
    });
}

} // namespace tap::console
