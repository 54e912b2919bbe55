#include "pages/credentialspage.h"

#include "api/credential.h"
#include "api/keys.h"
#include "dialogs/formdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QJsonArray>
#include <QLineEdit>

namespace tap::console {

namespace {

using apiclient::ApiClient;
using Mode = api::CredentialInput::Mode;
namespace key = api::key;

QString path(const QString &name)
{
    return QStringLiteral("/admin/credentials/") + ApiClient::segment(name);
}

// What the form says, as the typed request body.
api::CredentialInput formInput(FormDialog *d, bool creating)
{
    api::CredentialInput in;
    in.description = d->text(QStringLiteral("description"));
    in.connector = api::parseConnector(d->text(QStringLiteral("connector")));
    in.relativeTarget = d->findChild<QCheckBox *>(QStringLiteral("relativeTarget"))->isChecked();
    in.authHeaderFormat = d->text(QStringLiteral("authHeaderFormat"));
    in.apiBase = d->text(QStringLiteral("apiBase"));
    const QStringList hosts = splitList(d->text(QStringLiteral("allowedHosts")));
    if (!hosts.isEmpty() || !creating)
        in.allowedHosts = hosts;
    if (creating) {
        in.name = d->text(QStringLiteral("name"));
        const QString value = d->findChild<QLineEdit *>(QStringLiteral("value"))->text();
        if (!value.isEmpty())
            in.value = value;
    }
    return in;
}

// The server's rules (api::CredentialInput), with the console's words for each field. The form
// holds a whole credential, so it is checked as one being created (a description is required),
// then against the rules between fields.
QString validate(FormDialog *d, bool creating, api::Credential current)
{
    QJsonObject body = formInput(d, creating).encode();
    body.insert(key::kName, d->text(QStringLiteral("name")));
    auto in = api::CredentialInput::decode(body, Mode::Create);
    auto checked = in ? in->applyTo(current, Mode::Update) : core::Result<void>(in.error());
    if (checked)
        return {};
    const QString field = checked.error().field();
    if (field == key::kName)
        return CredentialsPage::tr(
                "Name: 1–64 letters, digits, '.', '_' or '-', starting with a letter "
                "or digit.");
    if (field == key::kDescription)
        return CredentialsPage::tr("Enter a description.");
    if (field == key::kApiBase)
        return CredentialsPage::tr("The API base must be an http:// or https:// URL.");
    if (field == key::kConnector)
        return CredentialsPage::tr("A sidecar connector needs an API base.");
    if (field == key::kRelativeTarget)
        return CredentialsPage::tr("Relative targets need the sidecar connector.");
    if (field == key::kAuthHeaderFormat)
        return CredentialsPage::tr("The header format must contain {value} exactly once.");
    return checked.error().message(); // names the field and the entry
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
    fetchList(QStringLiteral("/admin/credentials"), key::kCredentials, [](const QJsonObject &o) {
        const api::Credential c = api::Credential::decode(o);
        return QStringList{ c.name,
                            c.description,
                            api::connectorName(c.connector),
                            c.apiBase,
                            c.allowedHosts.join(QStringLiteral(", ")),
                            c.hasValue ? tr("set") : tr("not set"),
                            shortTime(c.updatedAt) };
    });
}

void CredentialsPage::edit(bool creating)
{
    const QJsonObject row = creating ? QJsonObject() : selectedRow();
    if (!creating && row.isEmpty())
        return;
    const api::Credential current = api::Credential::decode(row);
    auto *d = new FormDialog(QStringLiteral("credentialDialog"),
                             creating ? tr("New credential") : tr("Edit credential"), this);
    d->addLine(QStringLiteral("name"), tr("&Name:"), current.name)->setEnabled(creating);
    d->addLine(QStringLiteral("description"), tr("&Description:"), current.description);
    d->addCombo(QStringLiteral("connector"), tr("&Connector:"), api::allNames<api::Connector>(),
                api::connectorName(current.connector));
    d->addLine(QStringLiteral("apiBase"), tr("&API base:"), current.apiBase,
               QStringLiteral("https://api.example.com"));
    d->addCheck(QStringLiteral("relativeTarget"), tr("Targets are &paths under the API base"),
                current.relativeTarget);
    d->addLine(QStringLiteral("authHeaderFormat"), tr("&Header format:"), current.authHeaderFormat);
    d->addLine(QStringLiteral("allowedHosts"), tr("Allowed &hosts:"),
               current.allowedHosts.join(QStringLiteral(", ")), tr("default: the API base's host"));
    if (creating)
        d->addSecret(QStringLiteral("value"), tr("Secret &value:"));
    d->setValidator([d, creating, current] { return validate(d, creating, current); });
    d->setSubmit([this, creating](FormDialog *dialog) {
        const QJsonObject body = formInput(dialog, creating).encode();
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
    const QString name = selectedRow().value(key::kName).toString();
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
        if (auto r = api::CredentialValueInput::decode(
                    api::CredentialValueInput{ value->text() }.encode());
            !r)
            return r.error().message(); // the server's size limits

        if (value->text() != again->text())
            return tr("The two values differ.");
        return QString();
    });
    d->setSubmit([this, name, value](FormDialog *dialog) {
        api()->put(path(name) + QStringLiteral("/value"),
                   api::CredentialValueInput{ value->text() }.encode(),
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
    const QString name = selectedRow().value(key::kName).toString();
    if (name.isEmpty())
        return;
    // Ask the server what goes with it, so the question names the cascade.
    call("GET", path(name), {}, [this, name](const QJsonObject &c) {
        const api::CredentialUsage used = api::CredentialDetail::decode(c).usedBy;
        QStringList parts;
        if (!used.roles.isEmpty())
            parts << tr("the roles %1").arg(used.roles.join(QStringLiteral(", ")));
        if (!used.agents.isEmpty())
            parts << tr("the agents %1").arg(used.agents.join(QStringLiteral(", ")));
        if (used.hasPolicy)
            parts << tr("its policy");
        const QString text = parts.isEmpty()
                ? tr("Delete the credential %1? No role, agent or policy uses it.").arg(name)
                : tr("Delete the credential %1? It is also removed from %2.")
                          .arg(name, parts.join(tr("; ")));
        if (!confirm(tr("Delete credential"), text))
            return;
        call("DELETE", path(name), {}, [this, name](const QJsonObject &answer) {
            const api::CredentialUsage removed = api::CredentialDeleted::decode(answer).removedFrom;
            QStringList what;
            if (!removed.roles.isEmpty())
                what << tr("roles: %1").arg(removed.roles.join(QStringLiteral(", ")));
            if (!removed.agents.isEmpty())
                what << tr("agents: %1").arg(removed.agents.join(QStringLiteral(", ")));
            if (removed.hasPolicy)
                what << tr("its policy");
            showStatus(what.isEmpty() ? tr("Deleted %1.").arg(name)
                                      : tr("Deleted %1 and removed it from %2.")
                                                .arg(name, what.join(tr("; "))));
            refresh();
        });
    });
}

} // namespace tap::console
