#include "pages/policiespage.h"

#include "dialogs/formdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QJsonArray>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QVBoxLayout>

namespace tap::console {

namespace {

const QStringList kMethods{ QStringLiteral("GET"),    QStringLiteral("HEAD"),
                            QStringLiteral("POST"),   QStringLiteral("PUT"),
                            QStringLiteral("PATCH"),  QStringLiteral("DELETE"),
                            QStringLiteral("OPTIONS") };

QStringList upper(const QStringList &list)
{
    QStringList out;
    for (const QString &s : list)
        out << s.toUpper();
    return out;
}

QString lines(const QJsonValue &list)
{
    QStringList out;
    const QJsonArray array = list.toArray();
    for (const QJsonValue &v : array)
        out << v.toString();
    return out.join(u'\n');
}

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
              NeedsSelection | Configures, [this] { save(); });
    addButton(tr("&Remove policy"), QStringLiteral("removePolicyButton"), QStringLiteral("delete"),
              NeedsSelection | Configures, [this] { removePolicy(); });
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
                            tr("Methods that need appro&val:"), QStringLiteral("POST, DELETE"));
    m_autoUrls = new QPlainTextEdit(this);
    m_autoUrls->setObjectName(QStringLiteral("autoApproveUrls"));
    m_autoUrls->setPlaceholderText(tr("One URL pattern per line"));
    m_autoUrls->setTabChangesFocus(true);
    m_autoUrls->setMaximumHeight(100);
    form->addRow(tr("Auto-approve &URLs:"), m_autoUrls);
    m_approvers = line(QStringLiteral("allowedApprovers"), tr("Allowed a&pprovers:"),
                       tr("emails, comma-separated; empty: every member"));
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
    connect(m_credential, &QComboBox::currentIndexChanged, this, [this] { load(); });
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
        const QJsonArray list = b.value(QStringLiteral("credentials")).toArray();
        for (const QJsonValue &v : list)
            names << v.toObject().value(QStringLiteral("name")).toString();
        const QSignalBlocker block(m_credential);
        m_credential->clear();
        m_credential->addItems(names);
        if (names.contains(current))
            m_credential->setCurrentText(current);
        load();
    });
    call("GET", QStringLiteral("/admin/notification-channels"), {}, [this](const QJsonObject &b) {
        const QString channel = m_channel->currentText();
        m_channel->clear();
        m_channel->addItem(QString());
        const QJsonArray list = b.value(QStringLiteral("channels")).toArray();
        for (const QJsonValue &v : list)
            m_channel->addItem(v.toObject().value(QStringLiteral("name")).toString());
        m_channel->setCurrentText(channel);
    });
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

void PoliciesPage::display(const QJsonObject &p)
{
    m_autoMethods->setText(joined(p.value(QStringLiteral("auto_approve_methods"))));
    m_requireMethods->setText(joined(p.value(QStringLiteral("require_approval_methods"))));
    m_autoUrls->setPlainText(lines(p.value(QStringLiteral("auto_approve_urls"))));
    m_approvers->setText(joined(p.value(QStringLiteral("allowed_approvers"))));
    m_telegram->setText(p.value(QStringLiteral("telegram_chat_id")).toVariant().toString());
    m_matrix->setText(p.value(QStringLiteral("matrix_room_id")).toString());
    m_channel->setCurrentText(p.value(QStringLiteral("approval_channel")).toString());
    m_passkey->setChecked(p.value(QStringLiteral("require_passkey")).toBool());
    if (p.isEmpty())
        showStatus({});
    else if (!p.value(QStringLiteral("configured")).toBool(true))
        showStatus(tr("No policy is set for this credential, so every request needs approval."));
    else
        showStatus(tr("Policy in force."));
}

// The server's rules (service/admin/credentials.cpp putPolicy).
QString PoliciesPage::validate() const
{
    const QStringList autoMethods = upper(splitList(m_autoMethods->text()));
    const QStringList requireMethods = upper(splitList(m_requireMethods->text()));
    for (const QString &m : autoMethods + requireMethods) {
        if (!kMethods.contains(m))
            return tr("\"%1\" is not one of %2.").arg(m, kMethods.join(QStringLiteral(", ")));
    }
    for (const QString &m : autoMethods) {
        if (requireMethods.contains(m))
            return tr("%1 cannot be both auto-approved and need approval.").arg(m);
    }
    static const QRegularExpression chatId(QStringLiteral("^(-?[0-9]{1,20}|@[A-Za-z0-9_]{5,64})$"));
    const QString chat = m_telegram->text().trimmed();
    if (!chat.isEmpty() && !chatId.match(chat).hasMatch())
        return tr("The Telegram chat must be a numeric chat id or an @channel name.");
    const QString room = m_matrix->text().trimmed();
    if (!room.isEmpty() && !room.startsWith(u'!') && !room.startsWith(u'#'))
        return tr("The Matrix room must be a room id (!…) or an alias (#…).");
    return {};
}

void PoliciesPage::save()
{
    if (const QString problem = validate(); !problem.isEmpty())
        return showError(problem);
    const QString name = m_credential->currentText();
    const QJsonObject body{
        { QStringLiteral("auto_approve_methods"),
          QJsonArray::fromStringList(upper(splitList(m_autoMethods->text()))) },
        { QStringLiteral("require_approval_methods"),
          QJsonArray::fromStringList(upper(splitList(m_requireMethods->text()))) },
        { QStringLiteral("auto_approve_urls"),
          QJsonArray::fromStringList(splitList(m_autoUrls->toPlainText())) },
        { QStringLiteral("allowed_approvers"),
          QJsonArray::fromStringList(splitList(m_approvers->text())) },
        { QStringLiteral("telegram_chat_id"), m_telegram->text().trimmed() },
        { QStringLiteral("matrix_room_id"), m_matrix->text().trimmed() },
        { QStringLiteral("approval_channel"), m_channel->currentText().trimmed() },
        { QStringLiteral("require_passkey"), m_passkey->isChecked() }
    };
    call("PUT", QStringLiteral("/admin/policies/") + apiclient::ApiClient::segment(name), body,
         [this, name](const QJsonObject &p) {
             display(p);
             showStatus(tr("The policy of %1 was saved.").arg(name));
         });
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
