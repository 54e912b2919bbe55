#include "pages/rolespage.h"

#include "api/agent.h"
#include "api/keys.h"
#include "api/validation.h"
#include "dialogs/formdialog.h"
#include "dialogs/namepicker.h"

#include <QJsonArray>
#include <QLineEdit>
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
             d->names(QStringLiteral("credentials")), limit > 0 ? limit : -1 };
}

// The server's rules (api::RoleInput::decode()), with the console's words.
QString validate(FormDialog *d, int limit)
{
    const api::RoleInput in = formInput(d, limit);
    auto decoded = api::RoleInput::decode(in.encode(), api::RoleInput::Mode::Create);
    if (decoded) {
        const QString unknown = d->firstUnknown(QStringLiteral("credentials"));
        return unknown.isEmpty() ? QString()
                                 : RolesPage::tr("The team has no credential \"%1\".").arg(unknown);
    }
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
               { Column::of(tr("Name"), Column::value(api::key::kName)),
                 Column::of(tr("Description"), Column::value(api::key::kDescription)),
                 Column::of(tr("Credentials"),
                            [](const QJsonObject &o) {
                                return api::Role::decode(o).credentials.join(QStringLiteral(", "));
                            }),
                 Column::limit(tr("Requests per hour"), api::key::kRateLimitPerHour,
                               tr("unlimited")) });
}

void RolesPage::refresh()
{
    fetchList(QStringLiteral("/admin/roles"), api::key::kRoles);
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
    d->addPicker(QStringLiteral("credentials"), tr("&Credentials:"), role.credentials,
                 tr("type a name, Enter adds it"))
            ->fetchKnownNames(api(), QStringLiteral("/admin/credentials"), api::key::kCredentials,
                              api::key::kName);
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
