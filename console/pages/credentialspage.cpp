#include "pages/credentialspage.h"

#include "api/validation.h"
#include "dialogs/formdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QJsonArray>
#include <QLineEdit>

namespace tap::console {

namespace {

using apiclient::ApiClient;

QString path(const QString &name)
{
    return QStringLiteral("/admin/credentials/") + ApiClient::segment(name);
}

// The server's rules for a credential (seed configuration.txt "Validation Rules").
QString validate(FormDialog *d, bool creating)
{
    if (creating && !api::checkObjectName(QStringLiteral("name"), d->text(QStringLiteral("name"))))
        return CredentialsPage::tr(
                "Name: 1–64 letters, digits, '.', '_' or '-', starting with a letter "
                "or digit.");
    if (d->text(QStringLiteral("description")).isEmpty())
        return CredentialsPage::tr("Enter a description.");
    const QString base = d->text(QStringLiteral("apiBase"));
    if (!base.isEmpty() && !api::checkHttpUrl(QStringLiteral("api_base"), base))
        return CredentialsPage::tr("The API base must be an http:// or https:// URL.");
    const bool sidecar = d->text(QStringLiteral("connector")) == u"sidecar";
    if (sidecar && base.isEmpty())
        return CredentialsPage::tr("A sidecar connector needs an API base.");
    if (d->findChild<QCheckBox *>(QStringLiteral("relativeTarget"))->isChecked() && !sidecar)
        return CredentialsPage::tr("Relative targets need the sidecar connector.");
    if (d->text(QStringLiteral("authHeaderFormat")).count(QStringLiteral("{value}")) != 1)
        return CredentialsPage::tr("The header format must contain {value} exactly once.");
    const QStringList hosts = splitList(d->text(QStringLiteral("allowedHosts")));
    for (const QString &h : hosts) {
        if (!api::checkHostName(QStringLiteral("allowed_hosts"), h))
            return CredentialsPage::tr("\"%1\" is not a host name such as api.example.com.").arg(h);
    }
    return {};
}

QJsonObject formBody(FormDialog *d, bool creating)
{
    QJsonObject body{
        { QStringLiteral("description"), d->text(QStringLiteral("description")) },
        { QStringLiteral("connector"), d->text(QStringLiteral("connector")) },
        { QStringLiteral("relative_target"),
          d->findChild<QCheckBox *>(QStringLiteral("relativeTarget"))->isChecked() },
        { QStringLiteral("auth_header_format"), d->text(QStringLiteral("authHeaderFormat")) },
        { QStringLiteral("api_base"), d->text(QStringLiteral("apiBase")) },
    };
    const QStringList hosts = splitList(d->text(QStringLiteral("allowedHosts")));
    if (!hosts.isEmpty() || !creating)
        body.insert(QStringLiteral("allowed_hosts"), QJsonArray::fromStringList(hosts));
    if (creating) {
        body.insert(QStringLiteral("name"), d->text(QStringLiteral("name")));
        const QString value = d->findChild<QLineEdit *>(QStringLiteral("value"))->text();
        if (!value.isEmpty())
            body.insert(QStringLiteral("value"), value);
    }
    return body;
}

} // namespace

CredentialsPage::CredentialsPage(Session *session, const Environment &env, QWidget *parent)
    : Page(session, env, parent)
{
    setObjectName(QStringLiteral("credentialsPage"));
    addButton(tr("&New…"), QStringLiteral("newButton"), QStringLiteral("add"), Configures,
              [this] { edit(true); });
    addButton(tr("&Edit…"), QStringLiteral("editButton"), QStringLiteral("credential"),
              NeedsSelection | Configures, [this] { edit(false); });
    addButton(tr("&Rotate value…"), QStringLiteral("rotateButton"), QStringLiteral("key"),
              NeedsSelection | Configures, [this] { rotate(); });
    addButton(tr("&Delete"), QStringLiteral("deleteButton"), QStringLiteral("delete"),
              NeedsSelection | Configures, [this] { removeSelected(); });
    setupTable(QStringLiteral("credentialsTable"),
               { tr("Name"), tr("Description"), tr("Connector"), tr("API base"),
                 tr("Allowed hosts"), tr("Value"), tr("Updated") });
}

void CredentialsPage::refresh()
{
    fetchList(QStringLiteral("/admin/credentials"), QStringLiteral("credentials"),
              [](const QJsonObject &c) {
                  return QStringList{ c.value(QStringLiteral("name")).toString(),
                                      c.value(QStringLiteral("description")).toString(),
                                      c.value(QStringLiteral("connector")).toString(),
                                      c.value(QStringLiteral("api_base")).toString(),
                                      joined(c.value(QStringLiteral("allowed_hosts"))),
                                      c.value(QStringLiteral("has_value")).toBool() ? tr("set")
                                                                                    : tr("not set"),
                                      shortTime(c.value(QStringLiteral("updated_at"))) };
              });
}

void CredentialsPage::edit(bool creating)
{
    const QJsonObject row = creating ? QJsonObject() : selectedRow();
    if (!creating && row.isEmpty())
        return;
    const auto value = [&row](const char *key, const char *fallback = "") {
        return row.value(QLatin1String(key)).toString(QString::fromLatin1(fallback));
    };
    auto *d = new FormDialog(QStringLiteral("credentialDialog"),
                             creating ? tr("New credential") : tr("Edit credential"), this);
    d->addLine(QStringLiteral("name"), tr("&Name:"), value("name"))->setEnabled(creating);
    d->addLine(QStringLiteral("description"), tr("&Description:"), value("description"));
    d->addCombo(QStringLiteral("connector"), tr("&Connector:"),
                { QStringLiteral("direct"), QStringLiteral("sidecar") },
                value("connector", "direct"));
    d->addLine(QStringLiteral("apiBase"), tr("&API base:"), value("api_base"),
               QStringLiteral("https://api.example.com"));
    d->addCheck(QStringLiteral("relativeTarget"), tr("Targets are &paths under the API base"),
                row.value(QStringLiteral("relative_target")).toBool());
    d->addLine(QStringLiteral("authHeaderFormat"), tr("&Header format:"),
               value("auth_header_format", "Bearer {value}"));
    d->addLine(QStringLiteral("allowedHosts"), tr("Allowed &hosts:"),
               joined(row.value(QStringLiteral("allowed_hosts"))),
               tr("default: the API base's host"));
    if (creating)
        d->addSecret(QStringLiteral("value"), tr("Secret &value:"));
    d->setValidator([d, creating] { return validate(d, creating); });
    d->setSubmit([this, creating](FormDialog *dialog) {
        const QJsonObject body = formBody(dialog, creating);
        const auto done = [this, dialog](const Reply &r) {
            dialog->finish(r);
            if (r.ok())
                refresh();
        };
        if (creating)
            api()->post(QStringLiteral("/admin/credentials"), body, done);
        else
            api()->patch(path(dialog->text(QStringLiteral("name"))), body, done);
    });
    d->open();
}

void CredentialsPage::rotate()
{
    const QString name = selectedRow().value(QStringLiteral("name")).toString();
    if (name.isEmpty())
        return;
    auto *d = new FormDialog(QStringLiteral("rotateDialog"), tr("Rotate value of %1").arg(name),
                             this);
    d->addNote(tr("The new value replaces the old one at once. It is never shown again."));
    auto *value = d->addSecret(QStringLiteral("newValue"), tr("New &value:"));
    auto *again = d->addSecret(QStringLiteral("repeatValue"), tr("&Repeat:"));
    d->setValidator([value, again] {
        if (value->text().isEmpty())
            return tr("Enter the new value.");
        if (value->text().toUtf8().size() > 64 * 1024)
            return tr("The value is larger than 64 KiB.");
        if (value->text() != again->text())
            return tr("The two values differ.");
        return QString();
    });
    d->setSubmit([this, name, value](FormDialog *dialog) {
        api()->put(path(name) + QStringLiteral("/value"),
                   { { QStringLiteral("value"), value->text() } },
                   [this, dialog, name](const Reply &r) {
                       dialog->finish(r);
                       if (r.ok()) {
                           showStatus(tr("The value of %1 was replaced.").arg(name));
                           refresh();
                       }
                   });
    });
    d->open();
}

void CredentialsPage::removeSelected()
{
    const QString name = selectedRow().value(QStringLiteral("name")).toString();
    if (name.isEmpty())
        return;
    // Ask the server what goes with it, so the question names the cascade.
    call("GET", path(name), {}, [this, name](const QJsonObject &c) {
        const QJsonObject used = c.value(QStringLiteral("used_by")).toObject();
        QStringList parts;
        if (const QString roles = joined(used.value(QStringLiteral("roles"))); !roles.isEmpty())
            parts << tr("the roles %1").arg(roles);
        if (const QString agents = joined(used.value(QStringLiteral("agents"))); !agents.isEmpty())
            parts << tr("the agents %1").arg(agents);
        if (c.value(QStringLiteral("has_policy")).toBool())
            parts << tr("its policy");
        const QString text = parts.isEmpty()
                ? tr("Delete the credential %1? No role, agent or policy uses it.").arg(name)
                : tr("Delete the credential %1? It is also removed from %2.")
                          .arg(name, parts.join(tr("; ")));
        if (!confirm(tr("Delete credential"), text))
            return;
        call("DELETE", path(name), {}, [this, name](const QJsonObject &answer) {
            const QJsonObject removed = answer.value(QStringLiteral("removed_from")).toObject();
            QStringList what;
            if (const QString roles = joined(removed.value(QStringLiteral("roles")));
                !roles.isEmpty())
                what << tr("roles: %1").arg(roles);
            if (const QString agents = joined(removed.value(QStringLiteral("agents")));
                !agents.isEmpty())
                what << tr("agents: %1").arg(agents);
            if (removed.value(QStringLiteral("policy")).toBool())
                what << tr("its policy");
            showStatus(what.isEmpty() ? tr("Deleted %1.").arg(name)
                                      : tr("Deleted %1 and removed it from %2.")
                                                .arg(name, what.join(tr("; "))));
            refresh();
        });
    });
}

} // namespace tap::console
