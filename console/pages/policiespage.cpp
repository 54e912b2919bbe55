#include "pages/policiespage.h"

#include "api/credential.h"
#include "api/keys.h"
#include "dialogs/formdialog.h"
#include "dialogs/namepicker.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QJsonArray>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QVBoxLayout>

namespace tap::console {

namespace {

namespace key = api::key;

} // namespace

PoliciesPage::PoliciesPage(Session *session, const Environment &env, QWidget *parent)
    : Page(session, env, parent)
{
    setObjectName(QStringLiteral("policiesPage"));
    m_credential = new QComboBox(this);
    m_credential->setObjectName(QStringLiteral("credentialCombo"));
    m_credential->setMinimumWidth(200);
    toolbar()->insertWidget(0, m_credential);
    addButton(tr("&Save"), QStringLiteral("saveButton"), QStringLiteral("approve"),
              NeedsSelection | Configures, [this] { (void)save(m_credential->currentText()); });
    addButton(tr("&Remove policy"), QStringLiteral("removePolicyButton"), QStringLiteral("delete"),
              NeedsSelection | Configures | Deletes, [this] { removePolicy(); });
    filterEdit()->hide();

    auto *form = new QFormLayout;
    const auto line = [this, form](const QString &name, const QString &label,
                                   const QString &placeholder) {
        auto *edit = new QLineEdit(this);
        edit->setObjectName(name);
        edit->setPlaceholderText(placeholder);
        form->addRow(label, edit);
        return edit;
    };
    m_autoMethods = line(QStringLiteral("autoApproveMethods"), tr("&Auto-approve methods:"),
                         QStringLiteral("GET, HEAD"));
    m_requireMethods = line(QStringLiteral("requireApprovalMethods"),
                            tr("Methods that &need approval:"), QStringLiteral("POST, DELETE"));
    m_autoUrls = new QPlainTextEdit(this);
    m_autoUrls->setObjectName(QStringLiteral("autoApproveUrls"));
    m_autoUrls->setPlaceholderText(tr("One URL pattern per line"));
    m_autoUrls->setTabChangesFocus(true);
    m_autoUrls->setMaximumHeight(100);
    form->addRow(tr("Auto-approve &URLs:"), m_autoUrls);
    m_approvers = new NamePicker(QStringLiteral("allowedApprovers"), this);
    m_approvers->setPlaceholderText(tr("members' emails; none: every member"));
    form->addRow(tr("A&llowed approvers:"), m_approvers);
    m_telegram = line(QStringLiteral("telegramChatId"), tr("&Telegram chat:"),
                      QStringLiteral("-100123456"));
    m_matrix = line(QStringLiteral("matrixRoomId"), tr("&Matrix room:"),
                    QStringLiteral("!room:example.org"));
    m_channel = new QComboBox(this);
    m_channel->setObjectName(QStringLiteral("approvalChannel"));
    m_channel->setEditable(true);
    form->addRow(tr("Approval &channel:"), m_channel);
    m_passkey = new QCheckBox(tr("Approvals need a &passkey (decided in the browser)"), this);
    m_passkey->setObjectName(QStringLiteral("requirePasskey"));
    form->addRow(QString(), m_passkey);
    body()->addLayout(form);
    body()->addStretch();
    connect(m_credential, &QComboBox::currentIndexChanged, this,
            &PoliciesPage::onCredentialChanged);
}

bool PoliciesPage::hasSelection() const
{
    return !m_credential->currentText().isEmpty();
}

void PoliciesPage::clear()
{
    Page::clear();
    m_credential->clear();
    display({});
}

void PoliciesPage::refresh()
{
    const QString current = m_credential->currentText();
    call("GET", QStringLiteral("/admin/credentials"), {}, [this, current](const QJsonObject &b) {
        QStringList names;
        for (const api::Credential &c : api::CredentialList::decode(b).items)
            names << c.name;
        const QSignalBlocker block(m_credential);
        m_credential->clear();
        m_credential->addItems(names);
        if (names.contains(current))
            m_credential->setCurrentText(current);
        load();
    });
    m_approvers->fetchKnownNames(api(), QStringLiteral("/admin/members"), key::kMembers,
                                 key::kEmail);
    call("GET", QStringLiteral("/admin/notification-channels"), {}, [this](const QJsonObject &b) {
        const QString channel = m_channel->currentText();
        m_channel->clear();
        m_channel->addItem(QString());
        const QJsonArray list = b.value(key::kChannels).toArray();
        for (const QJsonValue &v : list)
            m_channel->addItem(v.toObject().value(key::kName).toString());
        m_channel->setCurrentText(channel);
    });
}

bool PoliciesPage::isModified() const
{
    return !m_shownName.isEmpty() && formPolicy().encodeInput() != m_shown;
}

bool PoliciesPage::settleEdits()
{
    if (!isModified() || !env().unsaved)
        return true;
    switch (env().unsaved(
            this, tr("Unsaved policy"),
            tr("The policy of %1 has unsaved changes. Save them?").arg(m_shownName))) {
    case Environment::Unsaved::Save:
        return save(m_shownName); // stays when the form is not valid

    case Environment::Unsaved::Discard:
        m_shown = formPolicy().encodeInput(); // forgotten; the next load() replaces the form
        return true;
    case Environment::Unsaved::Cancel:
        return false;
    }
    return false;
}

bool PoliciesPage::canLeave()
{
    return settleEdits();
}

void PoliciesPage::onCredentialChanged()
{
    if (!settleEdits()) {
        const QSignalBlocker block(m_credential); // stay on the edited policy
        m_credential->setCurrentText(m_shownName);
        return;
    }
    load();
}

void PoliciesPage::load()
{
    updateButtons();
    const QString name = m_credential->currentText();
    if (name.isEmpty())
        return display({});
    call("GET", QStringLiteral("/admin/policies/") + apiclient::ApiClient::segment(name), {},
         [this, name](const QJsonObject &p) {
             if (m_credential->currentText() == name)
                 display(p);
         });
}

void PoliciesPage::display(const QJsonObject &object)
{
    const api::Policy p = api::Policy::decode(object);
    m_autoMethods->setText(p.autoApproveMethods.join(QStringLiteral(", ")));
    m_requireMethods->setText(p.requireApprovalMethods.join(QStringLiteral(", ")));
    m_autoUrls->setPlainText(p.autoApproveUrls.join(u'\n'));
    m_approvers->setNames(p.allowedApprovers);
    m_telegram->setText(p.telegramChatId);
    m_matrix->setText(p.matrixRoomId);
    m_channel->setCurrentText(p.approvalChannel);
    m_passkey->setChecked(p.requirePasskey);
    m_shownName = object.isEmpty() ? QString() : m_credential->currentText();
    m_shown = formPolicy().encodeInput();
    if (object.isEmpty())
        showStatus({});
    else if (!object.value(key::kConfigured).toBool(true))
        showStatus(tr("No policy is set for this credential, so every request needs approval."));
    else
        showStatus(tr("Policy in force."));
}

api::Policy PoliciesPage::formPolicy() const
{
    api::Policy p;
    p.autoApproveMethods = splitList(m_autoMethods->text());
    p.requireApprovalMethods = splitList(m_requireMethods->text());
    p.autoApproveUrls = splitList(m_autoUrls->toPlainText());
    p.allowedApprovers = m_approvers->names();
    p.telegramChatId = m_telegram->text().trimmed();
    p.matrixRoomId = m_matrix->text().trimmed();
    p.approvalChannel = m_channel->currentText().trimmed();
    p.requirePasskey = m_passkey->isChecked();
    return p;
}

// The server's rules (api::Policy::decodeInput()), with the console's words for the chat
// fields; method errors name the method.
QString PoliciesPage::problemText(const core::Error &error)
{
    if (error.field() == key::kTelegramChatId)
        return tr("The Telegram chat must be a numeric chat id or an @channel name.");
    if (error.field() == key::kMatrixRoomId)
        return tr("The Matrix room must be a room id (!…) or an alias (#…).");
    return error.message();
}

bool PoliciesPage::save(const QString &name)
{
    const auto policy = api::Policy::decodeInput(formPolicy().encodeInput());
    if (!policy) {
        showError(problemText(policy.error()));
        return false;
    }
    if (const QStringList unknown = m_approvers->unknownNames(); !unknown.isEmpty()) {
        showError(tr("%1 is not a member of the team.").arg(unknown.first()));
        return false;
    }
    call("PUT", QStringLiteral("/admin/policies/") + apiclient::ApiClient::segment(name),
         policy->encodeInput(), [this, name](const QJsonObject &p) {
             if (m_credential->currentText() == name)
                 display(p);
             showStatus(tr("The policy of %1 was saved.").arg(name));
         });
    return true;
}

void PoliciesPage::removePolicy()
{
    const QString name = m_credential->currentText();
    if (name.isEmpty()
        || !confirm(tr("Remove policy"),
                    tr("Remove the policy of %1? Every request to it will then need approval.")
                            .arg(name)))
        return;
    call("DELETE", QStringLiteral("/admin/policies/") + apiclient::ApiClient::segment(name), {},
         [this, name](const QJsonObject &) {
             load();
             showStatus(tr("The policy of %1 was removed; every request now needs approval.")
                                .arg(name));
         });
}

} // namespace tap::console
