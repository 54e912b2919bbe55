#include "pages/credentialspage.h"

#include "api/agent.h"
#include "api/credential.h"
#include "api/credentialconnect.h"
#include "api/keys.h"
#include "dialogs/formdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QJsonArray>
#include <QLineEdit>
#include <QTimer>

namespace tap::console {

namespace {

using apiclient::ApiClient;
using Mode = api::CredentialInput::Mode;
namespace key = api::key;

QString path(const QString &name)
{
    return QStringLiteral("/admin/credentials/") + ApiClient::segment(name);
}

// The scope chosen in the form (the team's row unless a role or agent is picked).
api::CredentialScope formScope(FormDialog *d)
{
    auto *kind = d->findChild<QComboBox *>(QStringLiteral("scopeKind"));
    const auto parsed = api::parseScopeKind(kind ? kind->currentData().toString() : QString());
    if (!parsed || *parsed == api::ScopeKind::Team)
        return {};
    return { *parsed, d->text(QStringLiteral("scopeId")) };
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
        if (const api::CredentialScope scope = formScope(d); scope.kind != api::ScopeKind::Team)
            in.scope = scope;
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
    if (field == key::kScopeId)
        return formScope(d).kind == api::ScopeKind::Role
                ? CredentialsPage::tr("Choose the role this credential belongs to.")
                : CredentialsPage::tr("Choose the agent this credential belongs to.");
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

constexpr int kConnectPollMs = 1500;

} // namespace

CredentialsPage::CredentialsPage(Session *session, const Environment &env, QWidget *parent)
    : Page(session, env, parent)
{
    setObjectName(QStringLiteral("credentialsPage"));
    addButton(tr("&New…"), QStringLiteral("newButton"), QStringLiteral("add"),
              Configures | CreatesNew, [this] { edit(true); });
    addButton(tr("Edi&t…"), QStringLiteral("editButton"), QStringLiteral("credential"),
              NeedsSelection | Configures, [this] { edit(false); });
    addButton(tr("&Rotate value…"), QStringLiteral("rotateButton"), QStringLiteral("key"),
              NeedsSelection | Configures, [this] { rotate(); });
    addButton(tr("&Delete"), QStringLiteral("deleteButton"), QStringLiteral("delete"),
              NeedsSelection | Configures | Deletes, [this] { removeSelected(); });
    addButton(tr("&Connect…"), QStringLiteral("connectButton"), QStringLiteral("key"),
              NeedsSelection | Configures, [this] { connectSelected(); });
    m_connectPoll = new QTimer(this);
    m_connectPoll->setInterval(kConnectPollMs);
    connect(m_connectPoll, &QTimer::timeout, this, [this] { pollConnect(); });
    const auto credential = [](QString (*f)(const api::Credential &)) {
        return [f](const QJsonObject &o) { return f(api::Credential::decode(o)); };
    };
    setupTable(QStringLiteral("credentialsTable"),
               { Column::of(tr("Name"), Column::value(key::kName)),
                 Column::of(tr("Scope"), credential([](const api::Credential &c) {
                                return scopeText(c.scope);
                            })),
                 Column::of(tr("Description"), Column::value(key::kDescription)),
                 Column::of(tr("Connector"), credential([](const api::Credential &c) {
                                return api::connectorName(c.connector);
                            })),
                 Column::of(tr("API base"), Column::value(key::kApiBase)),
                 Column::of(tr("Allowed hosts"), credential([](const api::Credential &c) {
                                return c.allowedHosts.join(QStringLiteral(", "));
                            })),
                 Column::of(tr("Value"), credential(&valueText)),
                 Column::time(tr("Updated"), Column::value(key::kUpdatedAt)) });
}

void CredentialsPage::refresh()
{
    fetchList(QStringLiteral("/admin/credentials"), key::kCredentials);
}

QString CredentialsPage::valueText(const api::Credential &c)
{
    if (c.kind == api::CredentialKind::OAuth2) { // README "OAuth 2.0 credentials"
        if (c.oauthState == u"reauth_required")
            return tr("Reconnect required");
        if (c.oauthState == u"not_connected")
            return tr("Not connected");
    }
    // A signing or OAuth kind shows which parts are set (never their values).
    if (!c.partsSet.isEmpty())
        return tr("parts: %1").arg(c.partsSet.join(QStringLiteral(", ")));
    return c.hasValue ? tr("set") : tr("not set");
}

QString CredentialsPage::scopeText(const api::CredentialScope &scope)
{
    switch (scope.kind) {
    case api::ScopeKind::Role:
        return tr("role:%1").arg(scope.id);
    case api::ScopeKind::Agent:
        return tr("agent:%1").arg(scope.id);
    case api::ScopeKind::Team:
        break;
    }
    return tr("team");
}

api::CredentialScope CredentialsPage::selectedScope() const
{
    return api::Credential::decode(selectedRow()).scope;
}

void CredentialsPage::addScopeFields(FormDialog *d, bool creating,
                                     const api::CredentialScope &current)
{
    auto *kind = d->addCombo(QStringLiteral("scopeKind"), tr("&Scope:"), {});
    kind->addItem(tr("Team (every agent granted it)"), scopeKindName(api::ScopeKind::Team));
    kind->addItem(tr("Role (its agents)"), scopeKindName(api::ScopeKind::Role));
    kind->addItem(tr("Agent (this agent only)"), scopeKindName(api::ScopeKind::Agent));
    kind->setCurrentIndex(kind->findData(scopeKindName(current.kind)));
    auto *owner = d->addCombo(QStringLiteral("scopeId"), tr("&Role or agent:"), {});
    owner->setEditable(true); // a linked agent is "<home team id>/<agent id>"
    owner->setCurrentText(current.id);
    kind->setEnabled(creating); // a row's scope never changes
    owner->setEnabled(creating && current.kind != api::ScopeKind::Team);
    if (!creating)
        return;
    // The choices come from the server: the team's roles, or its agents.
    connect(kind, &QComboBox::currentIndexChanged, d, [this, d, kind, owner] {
        const auto chosen = api::parseScopeKind(kind->currentData().toString());
        owner->clear();
        owner->setEnabled(chosen && *chosen != api::ScopeKind::Team);
        if (!owner->isEnabled())
            return;
        const bool roles = *chosen == api::ScopeKind::Role;
        api()->get(roles ? QStringLiteral("/admin/roles") : QStringLiteral("/admin/agents"), d,
                   [kind, owner, roles](const Reply &r) {
                       if (!r.ok() || (kind->currentData().toString() == u"role") != roles)
                           return;
                       QStringList names;
                       if (roles) {
                           for (const api::Role &role : api::RoleList::decode(r.body).items)
                               names << role.name;
                       } else {
                           for (const api::Agent &agent : api::AgentList::decode(r.body).items)
                               names << agent.id;
                       }
                       owner->clear();
                       owner->addItems(names);
                   });
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
    addScopeFields(d, creating, current.scope);
    d->addLine(QStringLiteral("description"), tr("&Description:"), current.description);
    d->addCombo(QStringLiteral("connector"), tr("&Connector:"), api::allNames<api::Connector>(),
                api::connectorName(current.connector));
    d->addLine(QStringLiteral("apiBase"), tr("&API base:"), current.apiBase,
               QStringLiteral("https://api.example.com"));
    d->addCheck(QStringLiteral("relativeTarget"), tr("Targets are &paths under the API base"),
                current.relativeTarget);
    d->addLine(QStringLiteral("authHeaderFormat"), tr("Header &format:"), current.authHeaderFormat);
    d->addLine(QStringLiteral("allowedHosts"), tr("Allowed &hosts:"),
               current.allowedHosts.join(QStringLiteral(", ")), tr("default: the API base's host"));
    if (creating)
        d->addSecret(QStringLiteral("value"), tr("Secret &value:"));
    d->setValidator([d, creating, current] { return validate(d, creating, current); });
    d->setSubmit([this, creating, scope = current.scope](FormDialog *dialog) {
        const QJsonObject body = formInput(dialog, creating).encode();
        const auto done = [this, dialog](const Reply &r) {
            dialog->finish(r);
            if (r.ok())
                refresh();
        };
        ApiClient::Options options;
        options.query = scope.toQuery(); // the row being edited
        if (creating)
            dialog->track(api()->post(QStringLiteral("/admin/credentials"), body, dialog, done));
        else
            dialog->track(api()->patch(path(dialog->text(QStringLiteral("name"))), body, dialog,
                                       done, options));
    });
    d->open();
}

void CredentialsPage::rotate()
{
    const QString name = selectedRow().value(key::kName).toString();
    if (name.isEmpty())
        return;
    const api::CredentialScope scope = selectedScope();
    auto *d = new FormDialog(QStringLiteral("rotateDialog"),
                             tr("Rotate value of %1 (%2)").arg(name, scopeText(scope)), this);
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
    d->setSubmit([this, name, value, scope](FormDialog *dialog) {
        ApiClient::Options options;
        options.query = scope.toQuery();
        dialog->track(api()->put(
                path(name) + QStringLiteral("/value"),
                api::CredentialValueInput{ value->text() }.encode(), dialog,
                [this, dialog, name](const Reply &r) {
                    dialog->finish(r);
                    if (r.ok()) {
                        showStatus(tr("The value of %1 was replaced.").arg(name));
                        refresh();
                    }
                },
                options));
    });
    d->open();
}

void CredentialsPage::removeSelected()
{
    const QString name = selectedRow().value(key::kName).toString();
    if (name.isEmpty())
        return;
    const api::CredentialScope scope = selectedScope();
    const QString label =
            scope.kind == api::ScopeKind::Team ? name : tr("%1 (%2)").arg(name, scopeText(scope));
    // Ask the server what goes with it, so the question names the cascade.
    call(
            "GET", path(name), {},
            [this, name, scope, label](const QJsonObject &c) {
                const api::CredentialUsage used = api::CredentialDetail::decode(c).usedBy;
                QStringList parts;
                if (!used.roles.isEmpty())
                    parts << tr("the roles %1").arg(used.roles.join(QStringLiteral(", ")));
                if (!used.agents.isEmpty())
                    parts << tr("the agents %1").arg(used.agents.join(QStringLiteral(", ")));
                if (used.hasPolicy)
                    parts << tr("its policy");
                const QString text = parts.isEmpty()
                        ? tr("Delete the credential %1? No role, agent or policy uses it.")
                                  .arg(label)
                        : tr("Delete the credential %1? It is also removed from %2.")
                                  .arg(label, parts.join(tr("; ")));
                if (!confirm(tr("Delete credential"), text))
                    return;
                call(
                        "DELETE", path(name), {},
                        [this, label](const QJsonObject &answer) {
                            const api::CredentialUsage removed =
                                    api::CredentialDeleted::decode(answer).removedFrom;
                            QStringList what;
                            if (!removed.roles.isEmpty())
                                what << tr("roles: %1")
                                                .arg(removed.roles.join(QStringLiteral(", ")));
                            if (!removed.agents.isEmpty())
                                what << tr("agents: %1")
                                                .arg(removed.agents.join(QStringLiteral(", ")));
                            if (removed.hasPolicy)
                                what << tr("its policy");
                            showStatus(what.isEmpty() ? tr("Deleted %1.").arg(label)
                                                      : tr("Deleted %1 and removed it from %2.")
                                                                .arg(label, what.join(tr("; "))));
                            refresh();
                        },
                        scope.toQuery());
            },
            scope.toQuery());
}

// Path B: the row of the chosen scope gets the refresh token (an agent's row is created from
// the team row by tapd when it does not exist yet).
void CredentialsPage::connectSelected()
{
    const QJsonObject row = selectedRow();
    const QString name = row.value(key::kName).toString();
    if (name.isEmpty())
        return;
    // Only an oauth2 credential has an authorization step; tapd says so too, in its words.
    if (row.value(key::kKind).toString() != u"oauth2") {
        showError(tr("Only an oauth2 credential can be connected; %1 is %2.")
                          .arg(name, row.value(key::kKind).toString(QStringLiteral("static"))));
        return;
    }
    auto *d = new FormDialog(QStringLiteral("connectDialog"), tr("Connect %1").arg(name), this);
    d->addNote(tr("Your browser opens the provider's consent page. After you allow access, the "
                  "refresh token is stored on the row of the scope chosen here; an agent's or "
                  "role's row is created from the team row if it does not exist yet."));
    addScopeFields(d, true, selectedScope());
    d->setSubmit([this, name](FormDialog *dialog) {
        const api::CredentialScope scope = formScope(dialog);
        ApiClient::Options options;
        options.query = scope.toQuery();
        dialog->track(api()->post(
                path(name) + QStringLiteral("/connect"), {}, dialog,
                [this, dialog, name, scope](const Reply &r) {
                    dialog->finish(r);
                    if (r.ok())
                        startConnect(name, scope, r.body);
                },
                options));
    });
    d->open();
}

void CredentialsPage::startConnect(const QString &name, const api::CredentialScope &scope,
                                   const QJsonObject &answer)
{
    auto started = api::CredentialConnect::decode(answer);
    if (!started) {
        showError(started.error().message());
        return;
    }
    const QUrl url(started->authorizationUrl, QUrl::StrictMode);
    if (!env().openUrl || !env().openUrl(url))
        showError(tr("Could not open the browser. Open this address to connect: %1")
                          .arg(started->authorizationUrl));
    // expires_at is the server's clock: the link is valid for 10 minutes from now.
    QDateTime deadline = QDateTime::fromString(started->expiresAt, Qt::ISODateWithMs);
    if (!deadline.isValid())
        deadline = QDateTime::currentDateTimeUtc().addSecs(600);
    m_connect = PendingConnect{ name, scope, deadline.addSecs(-600),
                                QDateTime::currentDateTimeUtc().addSecs(600) };
    showStatus(tr("Allow access in the browser to connect %1 (%2)…").arg(name, scopeText(scope)));
    m_connectPoll->start();
}

// The row is connected once a refresh token is among its parts and it was updated after the
// connect started (server times; an agent's row may only appear now).
void CredentialsPage::pollConnect()
{
    if (!m_connect) {
        m_connectPoll->stop();
        return;
    }
    if (QDateTime::currentDateTimeUtc() > m_connect->giveUpAt) {
        showError(tr("%1 (%2) was not connected: the browser step did not finish in time.")
                          .arg(m_connect->name, scopeText(m_connect->scope)));
        m_connect.reset();
        m_connectPoll->stop();
        return;
    }
    ApiClient::Options options;
    options.query = m_connect->scope.toQuery();
    api()->get(
            path(m_connect->name), this,
            [this, name = m_connect->name](const Reply &r) {
                if (!m_connect || m_connect->name != name || !r.ok())
                    return; // not there yet (an agent's first row), or asked again
                const api::Credential c = api::CredentialDetail::decode(r.body).credential;
                const QDateTime updated = QDateTime::fromString(c.updatedAt, Qt::ISODateWithMs);
                if (!c.partsSet.contains(u"refresh_token"_qs) || !updated.isValid()
                    || updated < m_connect->startedAt)
                    return;
                showStatus(tr("%1 (%2) is connected.").arg(name, scopeText(c.scope)));
                m_connect.reset();
                m_connectPoll->stop();
                refresh();
            },
            options);
}

} // namespace tap::console
