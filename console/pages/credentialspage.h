#pragma once

#include "api/credential.h"

#include <QDateTime>

#include <optional>
#include "pages/page.h"

class QTimer;

namespace tap::console {

class FormDialog;

// Credentials: create, edit, rotate the value (write-only), delete with the cascade spelled
// out.
class CredentialsPage : public Page
{
    Q_OBJECT
public:
    CredentialsPage(Session *session, const Environment &env, QWidget *parent = nullptr);
    QString title() const override { return tr("Credentials"); }
    QString iconName() const override { return QStringLiteral("credential"); }
    void refresh() override;
    void createNew() override { edit(true); }
    void deleteSelected() override { removeSelected(); }

    // "team", "role:<name>", "agent:<id>".
    static QString scopeText(const api::CredentialScope &scope);
    // The Value column: "set" / "not set"; an oauth2 credential's oauth_state instead when it
    // needs a person ("Reconnect required", "Not connected").
    static QString valueText(const api::Credential &credential);

private:
    void edit(bool creating);
    void addScopeFields(FormDialog *d, bool creating, const api::CredentialScope &current);
    api::CredentialScope selectedScope() const;
    void rotate();
    void removeSelected();
    // "Connect…" (README "Connecting an OAuth 2.0 credential"): asks tapd for the provider's
    // authorization URL, opens it in the browser, then watches the row until its refresh token
    // is set (or the link expires) and shows the result.
    void connectSelected();
    void startConnect(const QString &name, const api::CredentialScope &scope,
                      const QJsonObject &answer);
    void pollConnect();

    struct PendingConnect
    {
        QString name;
        api::CredentialScope scope;
        QDateTime startedAt; // server time
        QDateTime giveUpAt; // local time: the link's 10 minutes are over
    };
    std::optional<PendingConnect> m_connect;
    QTimer *m_connectPoll = nullptr;
};

} // namespace tap::console
