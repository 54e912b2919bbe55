#include "pages/rolespage.h"

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

} // namespace

RolesPage::RolesPage(Session *session, const Environment &env, QWidget *parent)
    : Page(session, env, parent)
{
    setObjectName(QStringLiteral("rolesPage"));
    addButton(tr("&New…"), QStringLiteral("newButton"), QStringLiteral("add"), Configures,
              [this] { edit(true); });
    addButton(tr("&Edit…"), QStringLiteral("editButton"), QStringLiteral("role"),
              NeedsSelection | Configures, [this] { edit(false); });
    addButton(tr("&Delete"), QStringLiteral("deleteButton"), QStringLiteral("delete"),
              NeedsSelection | Configures, [this] { removeSelected(); });
    setupTable(QStringLiteral("rolesTable"),
               { tr("Name"), tr("Description"), tr("Credentials"), tr("Requests per hour") });
}

void RolesPage::refresh()
{
    fetchList(QStringLiteral("/admin/roles"), QStringLiteral("roles"), [](const QJsonObject &r) {
        const QJsonValue limit = r.value(QStringLiteral("rate_limit_per_hour"));
        return QStringList{ r.value(QStringLiteral("name")).toString(),
                            r.value(QStringLiteral("description")).toString(),
                            joined(r.value(QStringLiteral("credentials"))),
                            limit.isDouble() ? QString::number(limit.toInt()) : tr("unlimited") };
    });
}

void RolesPage::edit(bool creating)
{
    const QJsonObject row = creating ? QJsonObject() : selectedRow();
    if (!creating && row.isEmpty())
        return;
    auto *d = new FormDialog(QStringLiteral("roleDialog"),
                             creating ? tr("New role") : tr("Edit role"), this);
    d->addLine(QStringLiteral("roleName"), tr("&Name:"),
               row.value(QStringLiteral("name")).toString())
            ->setEnabled(creating);
    d->addLine(QStringLiteral("description"), tr("&Description:"),
               row.value(QStringLiteral("description")).toString());
    d->addLine(QStringLiteral("credentials"), tr("&Credentials:"),
               joined(row.value(QStringLiteral("credentials"))), tr("comma-separated"));
    auto *limit =
            d->addSpin(QStringLiteral("rateLimit"), tr("Requests per &hour:"),
                       row.value(QStringLiteral("rate_limit_per_hour")).toInt(), tr("unlimited"));
    d->setValidator([d] {
        if (!api::checkObjectName(QStringLiteral("name"), d->text(QStringLiteral("roleName"))))
            return tr("Name: 1–64 letters, digits, '.', '_' or '-', starting with a letter or "
                      "digit.");
        const QStringList credentials = splitList(d->text(QStringLiteral("credentials")));
        for (const QString &c : credentials) {
            if (!api::checkObjectName(QStringLiteral("credentials"), c))
                return tr("\"%1\" is not a valid credential name.").arg(c);
        }
        return QString();
    });
    d->setSubmit([this, creating, limit](FormDialog *dialog) {
        const QString name = dialog->text(QStringLiteral("roleName"));
        const QJsonObject body{
            { QStringLiteral("name"), name },
            { QStringLiteral("description"), dialog->text(QStringLiteral("description")) },
            { QStringLiteral("credentials"),
              QJsonArray::fromStringList(splitList(dialog->text(QStringLiteral("credentials")))) },
            { QStringLiteral("rate_limit_per_hour"),
              limit->value() > 0 ? QJsonValue(limit->value()) : QJsonValue() }
        };
        const auto done = [this, dialog](const Reply &r) {
            dialog->finish(r);
            if (r.ok())
                refresh();
        };
        if (creating)
            api()->post(QStringLiteral("/admin/roles"), body, done);
        else
            api()->put(path(name), body, done);
    });
    d->open();
}

void RolesPage::removeSelected()
{
    const QString name = selectedRow().value(QStringLiteral("name")).toString();
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
