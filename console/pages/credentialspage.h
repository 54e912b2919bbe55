#pragma once

#include "api/credential.h"
#include "pages/page.h"

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
};

} // namespace tap::console
