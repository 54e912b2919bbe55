#pragma once

#include "api/policy.h"
#include "pages/page.h"

class QCheckBox;
class QComboBox;
class QLineEdit;
class QPlainTextEdit;

namespace tap::console {

class NamePicker;

// The policy of one credential: which methods and URLs pass without approval, who may
// approve, where approval requests go, whether a passkey is needed.
class PoliciesPage : public Page
{
    Q_OBJECT
public:
    PoliciesPage(Session *session, const Environment &env, QWidget *parent = nullptr);
    QString title() const override { return tr("Policies"); }
    QString iconName() const override { return QStringLiteral("policy"); }
    void refresh() override;
    void clear() override;
    void deleteSelected() override { removePolicy(); }
    bool canLeave() override;
    // The form differs from the policy last shown.
    bool isModified() const;

private:
    void load();
    void display(const QJsonObject &policy);
    api::Policy formPolicy() const;
    static QString problemText(const core::Error &error);
    // Sends the form; false when it is not valid (the message is shown).
    bool save(const QString &name);
    // Unsaved edits of the shown policy: asks Save / Discard / Cancel; false on Cancel.
    bool settleEdits();
    void onCredentialChanged();
    void removePolicy();
    bool hasSelection() const override;

    QComboBox *m_credential;
    QLineEdit *m_autoMethods;
    QLineEdit *m_requireMethods;
    QPlainTextEdit *m_autoUrls;
    NamePicker *m_approvers;
    QLineEdit *m_telegram;
    QLineEdit *m_matrix;
    QComboBox *m_channel;
    QCheckBox *m_passkey;
    QString m_shownName; // the credential whose policy the form shows
    QJsonObject m_shown; // the form as shown (encodeInput()), to tell edits
};

} // namespace tap::console
